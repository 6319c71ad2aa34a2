package dev.updater.sidecar.channel;

import dev.updater.core.ErrorCode;
import dev.updater.core.Sha256;
import dev.updater.core.UpdaterException;
import dev.updater.core.manifest.Artifact;
import dev.updater.core.manifest.Manifest;
import dev.updater.core.manifest.ManifestParser;
import dev.updater.core.signature.ManifestSignatures;
import dev.updater.core.signature.TrustedKey;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks a release channel the way a host would, and reports every problem rather than the first:
 * the signature, the manifest's fields, its expiry, and optionally each artifact's size and SHA-256.
 * Used by {@code verify} before a release goes out, and by tests of {@code publish}.
 */
public final class ChannelVerifier {
    private final ChannelReader reader;

    public ChannelVerifier(ChannelReader reader) {
        this.reader = reader;
    }

    /** The outcome: verified when {@code problems} is empty. */
    public record Report(Manifest manifest, TrustedKey signedBy, List<String> checked, List<String> problems) {
        public boolean verified() {
            return problems.isEmpty();
        }
    }

    /** Where a channel's files come from: a directory or a URL. */
    public interface ChannelReader {
        /** A name for messages. */
        String manifestLocation();

        byte[] manifest() throws UpdaterException;

        /** The signature file's bytes, or null when there is none. */
        byte[] signature() throws UpdaterException;

        /** Reads an artifact and returns its size and SHA-256 (hashing as it reads). */
        Measured measure(Artifact artifact) throws UpdaterException;
    }

    /** What an artifact's bytes turned out to be. */
    public record Measured(String location, long size, Sha256 sha256) {
    }

    public Report verify(List<TrustedKey> keys, boolean checkArtifacts, Instant now) {
        List<String> checked = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        String location = reader.manifestLocation();
        byte[] bytes;
        try {
            bytes = reader.manifest();
        } catch (UpdaterException e) {
            problems.add(e.getMessage());
            return new Report(null, null, checked, problems);
        }

        TrustedKey signedBy = null;
        try {
            signedBy = ManifestSignatures.verify(bytes, reader.signature(), keys, location);
            checked.add("signature: valid, by key " + signedBy.id());
        } catch (UpdaterException e) {
            problems.add(e.getMessage());
        }

        Manifest manifest;
        try {
            manifest = ManifestParser.parse(bytes, location);
            checked.add("manifest: version " + manifest.version() + ", " + manifest.binaries().size()
                    + " artifact(s)");
        } catch (UpdaterException e) {
            problems.add(e.getMessage());
            return new Report(null, signedBy, checked, problems);
        }

        if (manifest.isExpiredAt(now)) {
            problems.add("Manifest " + location + " expired at " + manifest.expires()
                    + "; hosts refuse it. Re-publish the release to renew it.");
        } else if (manifest.expires() != null) {
            checked.add("expiry: valid until " + manifest.expires());
        }

        if (checkArtifacts) {
            for (Map.Entry<String, Artifact> entry : manifest.binaries().entrySet()) {
                checkArtifact(entry.getKey(), entry.getValue(), checked, problems);
            }
        }
        return new Report(manifest, signedBy, checked, problems);
    }

    private void checkArtifact(String key, Artifact artifact, List<String> checked, List<String> problems) {
        Measured measured;
        try {
            measured = reader.measure(artifact);
        } catch (UpdaterException e) {
            problems.add("Artifact " + key + ": " + e.getMessage());
            return;
        }
        boolean ok = true;
        if (measured.size() != artifact.size()) {
            problems.add("Artifact " + key + " (" + measured.location() + ") is " + measured.size()
                    + " bytes, but the manifest says " + artifact.size() + ".");
            ok = false;
        }
        if (!measured.sha256().equals(artifact.sha256())) {
            problems.add("Artifact " + key + " (" + measured.location() + ") has SHA-256 " + measured.sha256()
                    + ", but the manifest says " + artifact.sha256() + ".");
            ok = false;
        }
        if (ok) {
            checked.add("artifact " + key + ": " + artifact.size() + " bytes, sha256 matches");
        }
    }

    /** Reads a channel from a directory (or a manifest file path), as {@code publish} wrote it. */
    public static ChannelReader directory(Path manifestFile) {
        Path manifestPath = manifestFile.toAbsolutePath().normalize();
        return new ChannelReader() {
            @Override
            public String manifestLocation() {
                return manifestPath.toString();
            }

            @Override
            public byte[] manifest() throws UpdaterException {
                return read(manifestPath, "manifest");
            }

            @Override
            public byte[] signature() throws UpdaterException {
                Path sig = manifestPath.resolveSibling(manifestPath.getFileName() + ".sig");
                return Files.exists(sig) ? read(sig, "signature") : null;
            }

            @Override
            public Measured measure(Artifact artifact) throws UpdaterException {
                URI uri = artifact.resolve(manifestPath.toUri());
                if (!"file".equals(uri.getScheme())) {
                    throw new UpdaterException(ErrorCode.IO, "its url " + uri
                            + " is not beside the manifest; verify the channel by its URL to download it.");
                }
                Path file = Path.of(uri);
                try {
                    return new Measured(file.toString(), Files.size(file), Sha256.ofFile(file));
                } catch (NoSuchFileException e) {
                    throw new UpdaterException(ErrorCode.IO, file + " does not exist.", e);
                } catch (IOException e) {
                    throw new UpdaterException(ErrorCode.IO, "could not read " + file + ": " + e, e);
                }
            }
        };
    }

    private static byte[] read(Path file, String what) throws UpdaterException {
        try {
            if (Files.size(file) > ManifestParser.MAX_BYTES) {
                throw new UpdaterException(ErrorCode.MANIFEST_TOO_LARGE, "The " + what + " " + file
                        + " is over " + ManifestParser.MAX_BYTES + " bytes; it is refused unread.");
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new UpdaterException(ErrorCode.IO, "The " + what + " " + file + " does not exist.", e);
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.IO, "Could not read the " + what + " " + file + ": "
                    + e + ".", e);
        }
    }
}
