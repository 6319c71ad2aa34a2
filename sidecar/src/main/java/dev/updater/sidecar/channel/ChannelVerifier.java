package dev.updater.sidecar.channel;

import dev.updater.core.text.HumanUnits;
import dev.updater.core.ErrorCode;
import dev.updater.core.Sha256;
import dev.updater.core.UpdaterException;
import dev.updater.core.manifest.Artifact;
import dev.updater.core.manifest.Manifest;
import dev.updater.core.manifest.ManifestParser;
import dev.updater.core.signature.ManifestSignatures;
import dev.updater.core.signature.SignedManifest;
import dev.updater.core.signature.TrustedKey;
import dev.updater.core.text.Printable;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks a release channel the way a host would, and reports every problem rather than the first:
 * the signature, the manifest's fields, its expiry, and optionally each artifact's size and SHA-256.
 * Used by {@code verify} before a release goes out, and by tests of {@code publish}.
 *
 * <p>Like a host, it uses nothing in a manifest whose signature fails: its fields are not parsed or
 * shown, and its artifact URLs are neither fetched nor opened. A local channel's artifacts are read
 * only from regular files inside the channel's folder ({@link ChannelFolder}).
 */
public final class ChannelVerifier {
    /** Said after a signature failure: why no other problem is listed. */
    static final String UNREAD = "Nothing else in it was checked: a manifest is read only once its signature holds.";

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

        TrustedKey signedBy;
        try {
            signedBy = ManifestSignatures.verify(bytes, reader.signature(), keys, location);
            checked.add("signature: valid, by key " + signedBy.id());
        } catch (UpdaterException e) {
            // Threat: an unsigned manifest steering verify (a url to another file, a FIFO, a long
            // download); so, as on a host, a failed signature ends the check before it is parsed.
            problems.add(e.getMessage() + " " + UNREAD);
            return new Report(null, null, checked, problems);
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
            problems.add("Manifest " + location + " expired at " + HumanUnits.time(manifest.expires())
                    + "; hosts refuse it. Renew it with 'updater-sidecar publish --resign' (docs/publishing.md).");
        } else if (manifest.expires() != null) {
            checked.add("expiry: valid until " + HumanUnits.time(manifest.expires()));
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

    /**
     * Reads a channel from a directory (or a manifest file path), as {@code publish} wrote it. Its
     * artifacts are read only from regular files inside the manifest's folder.
     */
    public static ChannelReader directory(Path manifestFile) {
        Path manifestPath = manifestFile.toAbsolutePath().normalize();
        ChannelFolder folder = new ChannelFolder(manifestPath.getParent());
        return new ChannelReader() {
            @Override
            public String manifestLocation() {
                return manifestPath.toString();
            }

            @Override
            public byte[] manifest() throws UpdaterException {
                return signed() ? signedParts().manifest() : read(manifestPath, "manifest");
            }

            @Override
            public byte[] signature() throws UpdaterException {
                if (signed()) {
                    return signedParts().signatureFile();
                }
                Path sig = manifestPath.resolveSibling(manifestPath.getFileName() + ".sig");
                return Files.exists(sig) ? read(sig, "signature") : null;
            }

            /** A manifest.signed holds manifest and signature; read and split as an agent does. */
            private boolean signed() {
                return manifestPath.getFileName().toString().equals(SignedManifest.FILE_NAME);
            }

            private SignedManifest.Parts signedParts() throws UpdaterException {
                return SignedManifest.read(read(manifestPath, "signed manifest"), manifestPath.toString());
            }

            @Override
            public Measured measure(Artifact artifact) throws UpdaterException {
                URI uri = artifact.resolve(manifestPath.toUri());
                if (!"file".equals(uri.getScheme())) {
                    throw new UpdaterException(ErrorCode.IO, "its url " + Printable.of(uri)
                            + " is not beside the manifest; verify the channel by its URL to download it.");
                }
                ChannelFolder.LocalFile file = folder.artifact(uri, artifact.url());
                try {
                    return new Measured(file.shown().toString(), file.size(), Sha256.ofFile(file.real()));
                } catch (IOException e) {
                    throw new UpdaterException(ErrorCode.IO, "could not read " + file.shown() + ": " + e, e);
                }
            }
        };
    }

    /** Reads a manifest or signature file: a regular file (never a FIFO or device that would block) of bounded size. */
    private static byte[] read(Path file, String what) throws UpdaterException {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            if (!attributes.isRegularFile()) {
                throw new UpdaterException(ErrorCode.IO, "The " + what + " " + file + " is "
                        + ChannelFolder.kind(attributes) + ", not a regular file; it is refused unread.");
            }
            if (attributes.size() > ManifestParser.MAX_BYTES) {
                throw new UpdaterException(ErrorCode.MANIFEST_TOO_LARGE, "The " + what + " " + file
                        + " is over " + ManifestParser.MAX_BYTES + " bytes; it is refused unread.");
            }
            try (InputStream in = Files.newInputStream(file)) {
                return in.readNBytes(ManifestParser.MAX_BYTES + 1);
            }
        } catch (NoSuchFileException e) {
            throw new UpdaterException(ErrorCode.IO, "The " + what + " " + file + " does not exist.", e);
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.IO, "Could not read the " + what + " " + file + ": "
                    + e + ".", e);
        }
    }
}
