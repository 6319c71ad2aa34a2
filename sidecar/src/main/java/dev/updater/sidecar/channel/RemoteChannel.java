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
import dev.updater.core.signature.SignedManifest;

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

    /**
     * The other form of the channel from the same folder on the server: {@code manifest.signed} beside a
     * {@code manifest.json} URL, or {@code manifest.json} (and its {@code .sig}) beside a {@code manifest.signed}
     * one, fetched as an agent reading it would (its limits, its redirect rules). Threat: a half-finished upload
     * serving agents in {@code channel=} mode another release than the others.
     */
    @Override
    public ChannelVerifier.OtherCopy otherCopy() throws UpdaterException {
        String path = manifestUri.getRawPath() == null ? "" : manifestUri.getRawPath();
        String name = path.substring(path.lastIndexOf('/') + 1);
        String otherName = name.equals(Publisher.MANIFEST_FILE) ? SignedManifest.FILE_NAME
                : name.equals(SignedManifest.FILE_NAME) ? Publisher.MANIFEST_FILE : null;
        if (otherName == null) {
            return null;
        }
        // Raw parts, so escapes in the folder's path survive; a query (a CDN's token) is kept, as for the .sig.
        String query = manifestUri.getRawQuery() == null ? "" : "?" + manifestUri.getRawQuery();
        URI other = URI.create(manifestUri.getScheme() + "://" + manifestUri.getRawAuthority()
                + path.substring(0, path.length() - name.length()) + otherName + query);
        ManifestFetcher.Fetched copy = new ManifestFetcher(options).fetchIfPublished(other);
        return copy == null ? new ChannelVerifier.NotPublished(other.toString(), otherName)
                : new ChannelVerifier.Copy(other.toString(), otherName, copy.manifest(), copy.signatureOrNull());
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
