package dev.updater.sidecar.channel;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.download.Cancellation;
import dev.updater.core.download.DownloadListener;
import dev.updater.core.download.DownloadOptions;
import dev.updater.core.download.DownloadRequest;
import dev.updater.core.download.Downloader;
import dev.updater.core.download.ManifestFetcher;
import dev.updater.core.download.Validators;
import dev.updater.core.download.VerifiedFile;
import dev.updater.core.home.HomeCleanup;
import dev.updater.core.manifest.Artifact;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a channel over HTTP(S) with the same fetcher and downloader the agent uses, so
 * {@code verify} sees exactly what a host would. Artifacts go to a temporary directory that is
 * deleted afterwards.
 */
public final class RemoteChannel implements ChannelVerifier.ChannelReader {
    private final URI manifestUri;
    private final DownloadOptions options;
    private ManifestFetcher.Fetched fetched;

    private RemoteChannel(URI manifestUri, DownloadOptions options) {
        this.manifestUri = manifestUri;
        this.options = options;
    }

    public static RemoteChannel open(String url) throws UpdaterException {
        try {
            return new RemoteChannel(URI.create(url), DownloadOptions.defaults());
        } catch (IllegalArgumentException e) {
            throw new UpdaterException(ErrorCode.HTTP_STATUS, "'" + url + "' is not a valid URL: " + e.getMessage(), e);
        }
    }

    @Override
    public String manifestLocation() {
        return manifestUri.toString();
    }

    @Override
    public byte[] manifest() throws UpdaterException {
        return fetch().manifest();
    }

    @Override
    public byte[] signature() throws UpdaterException {
        return fetch().signatureOrNull();
    }

    private ManifestFetcher.Fetched fetch() throws UpdaterException {
        if (fetched == null) {
            ManifestFetcher.Result result = new ManifestFetcher(options).fetch(manifestUri, Validators.NONE);
            if (!(result instanceof ManifestFetcher.Fetched f)) {
                throw new UpdaterException(ErrorCode.HTTP_STATUS, "The server answered 304 Not Modified to an"
                        + " unconditional request for " + manifestUri + "; it is misconfigured.");
            }
            fetched = f;
        }
        return fetched;
    }

    @Override
    public ChannelVerifier.Measured measure(Artifact artifact) throws UpdaterException {
        URI uri = artifact.resolve(manifestUri);
        Path dir = null;
        try {
            dir = Files.createTempDirectory("updater-verify-");
            VerifiedFile file = new Downloader(options).download(
                    new DownloadRequest(uri, artifact.size(), artifact.sha256(), dir, "artifact"),
                    DownloadListener.NONE, Cancellation.none());
            return new ChannelVerifier.Measured(uri.toString(), file.size(), file.sha256());
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.IO, "could not create a temporary directory: " + e, e);
        } finally {
            HomeCleanup.deleteTreeQuietly(dir);
        }
    }
}
