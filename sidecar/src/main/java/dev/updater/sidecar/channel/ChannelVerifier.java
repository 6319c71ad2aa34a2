package dev.updater.sidecar.channel;

import dev.updater.core.text.HumanUnits;
import dev.updater.core.ErrorCode;
import dev.updater.core.Sha256;
import dev.updater.core.UpdaterException;
import dev.updater.core.download.ManifestFetcher;
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
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
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

    /**
     * The outcome: verified when {@code problems} is empty.
     *
     * @param notes what was looked for and not found without being a problem (a form of the channel not published)
     */
    public record Report(Manifest manifest, TrustedKey signedBy, List<String> checked, List<String> notes,
                         List<String> problems) {
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

        /**
         * The channel's other copy of this manifest, or null when there is none to compare:
         * {@code manifest.signed} beside {@code manifest.json}, or {@code manifest.json} and its {@code .sig}
         * beside {@code manifest.signed}; {@link NotPublished} when it was asked for and is not there.
         */
        default OtherCopy otherCopy() throws UpdaterException {
            return null;
        }
    }

    /** What the channel holds in its other form: the same manifest, another one, or nothing. */
    public sealed interface OtherCopy permits Copy, NotPublished {
    }

    /**
     * A manifest and its signature file (null when there is none) as another file of the channel holds them.
     *
     * @param name the file's name, for the line saying it holds
     */
    public record Copy(String location, String name, byte[] manifest, byte[] signature) implements OtherCopy {
    }

    /** The other form was asked for and the server has none (404): a channel published before it existed. */
    public record NotPublished(String location, String name) implements OtherCopy {
    }

    /** What an artifact's bytes turned out to be. */
    public record Measured(String location, long size, Sha256 sha256) {
    }

    public Report verify(List<TrustedKey> keys, boolean checkArtifacts, Instant now) {
        List<String> checked = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        String location = reader.manifestLocation();
        byte[] bytes;
        try {
            bytes = reader.manifest();
        } catch (UpdaterException e) {
            problems.add(e.getMessage());
            return new Report(null, null, checked, notes, problems);
        }

        TrustedKey signedBy;
        try {
            signedBy = ManifestSignatures.verify(bytes, reader.signature(), keys, location);
            checked.add("signature: valid, by key " + signedBy.id());
        } catch (UpdaterException e) {
            // Threat: an unsigned manifest steering verify (a url to another file, a FIFO, a long
            // download); so, as on a host, a failed signature ends the check before it is parsed.
            problems.add(e.getMessage() + " " + UNREAD);
            return new Report(null, null, checked, notes, problems);
        }
        checkOtherCopy(bytes, keys, location, checked, notes, problems);

        Manifest manifest;
        try {
            manifest = ManifestParser.parse(bytes, location);
            checked.add("manifest: version " + manifest.version() + ", " + manifest.binaries().size()
                    + " artifact(s)");
        } catch (UpdaterException e) {
            problems.add(e.getMessage());
            return new Report(null, signedBy, checked, notes, problems);
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
        return new Report(manifest, signedBy, checked, notes, problems);
    }

    /**
     * Threat: a channel whose two forms disagree (a publish that stopped between its renames, a hand edit
     * of manifest.json): agents in channel= mode read manifest.signed, older ones manifest.json and its
     * .sig, so one fleet would be offered two releases, or half of it none. Both must carry the same bytes,
     * each with a valid signature.
     */
    private void checkOtherCopy(byte[] bytes, List<TrustedKey> keys, String location, List<String> checked,
                                List<String> notes, List<String> problems) {
        OtherCopy found;
        try {
            found = reader.otherCopy();
        } catch (UpdaterException e) {
            problems.add(e.getMessage());
            return;
        }
        if (found instanceof NotPublished none) {
            notes.add(none.name() + ": not published (HTTP 404 for " + none.location() + "), so there is no other copy"
                    + " to compare; " + (none.name().equals(SignedManifest.FILE_NAME)
                    ? "agents in channel= mode cannot read this channel: 'updater-sidecar publish --resign' writes it."
                    : "only agents reading " + SignedManifest.FILE_NAME + " can read this channel."));
            return;
        }
        if (!(found instanceof Copy other)) {
            return;
        }
        if (!Arrays.equals(other.manifest(), bytes)) {
            problems.add(location + " and " + other.location() + " hold different manifests (" + bytes.length
                    + " bytes with SHA-256 " + Sha256.ofBytes(bytes) + ", and " + other.manifest().length
                    + " bytes with SHA-256 " + Sha256.ofBytes(other.manifest()) + "): agents in channel= mode read "
                    + SignedManifest.FILE_NAME + ", the others " + Publisher.MANIFEST_FILE + " and its .sig, so they"
                    + " would be offered different releases. A publish stopped half-way or a file was edited by hand:"
                    + " publish the release again, or, if " + Publisher.MANIFEST_FILE + " is the one you mean, run"
                    + " 'updater-sidecar publish --resign', which writes the other two from it.");
            return;
        }
        try {
            TrustedKey signer = ManifestSignatures.verify(other.manifest(), other.signature(), keys, other.location());
            checked.add(other.name() + ": the same manifest, signature valid, by key "
                    + signer.id());
        } catch (UpdaterException e) {
            problems.add(e.getMessage());
        }
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
                return signedParts(manifestPath);
            }

            private SignedManifest.Parts signedParts(Path file) throws UpdaterException {
                return SignedManifest.read(read(file, "signed manifest"), file.toString());
            }

            @Override
            public Copy otherCopy() throws UpdaterException {
                if (signed()) {
                    Path json = manifestPath.resolveSibling(Publisher.MANIFEST_FILE);
                    Path sig = manifestPath.resolveSibling(Publisher.SIGNATURE_FILE);
                    return Files.exists(json, LinkOption.NOFOLLOW_LINKS) ? new Copy(json.toString(),
                            Publisher.MANIFEST_FILE, read(json, "manifest"), Files.exists(sig) ? read(sig, "signature") : null) : null;
                }
                Path both = manifestPath.resolveSibling(SignedManifest.FILE_NAME);
                if (!manifestPath.getFileName().toString().equals(Publisher.MANIFEST_FILE)
                        || !Files.exists(both, LinkOption.NOFOLLOW_LINKS)) {
                    return null;
                }
                SignedManifest.Parts parts = signedParts(both);
                return new Copy(both.toString(), SignedManifest.FILE_NAME, parts.manifest(), parts.signatureFile());
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

    /**
     * Reads a manifest or signature file: a regular file (never a FIFO or device that would block) of
     * bounded size; a manifest.signed may be as long as an agent reads (the manifest's limit and its header).
     */
    private static byte[] read(Path file, String what) throws UpdaterException {
        int limit = file.getFileName().toString().equals(SignedManifest.FILE_NAME)
                ? ManifestFetcher.MAX_SIGNED_MANIFEST_BYTES : ManifestParser.MAX_BYTES;
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            if (!attributes.isRegularFile()) {
                throw new UpdaterException(ErrorCode.IO, "The " + what + " " + file + " is "
                        + ChannelFolder.kind(attributes) + ", not a regular file; it is refused unread.");
            }
            if (attributes.size() > limit) {
                throw new UpdaterException(ErrorCode.MANIFEST_TOO_LARGE, "The " + what + " " + file
                        + " is over " + limit + " bytes; it is refused unread.");
            }
            try (InputStream in = Files.newInputStream(file)) {
                return in.readNBytes(limit + 1);
            }
        } catch (NoSuchFileException e) {
            throw new UpdaterException(ErrorCode.IO, "The " + what + " " + file + " does not exist.", e);
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.IO, "Could not read the " + what + " " + file + ": "
                    + e + ".", e);
        }
    }
}
