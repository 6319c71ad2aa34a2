package dev.updater.sidecar.channel;

import dev.updater.core.text.HumanUnits;
import dev.updater.core.ErrorCode;
import dev.updater.core.Sha256;
import dev.updater.core.UpdaterException;
import dev.updater.core.home.AtomicFiles;
import dev.updater.core.manifest.ArchiveFormat;
import dev.updater.core.manifest.Artifact;
import dev.updater.core.text.Printable;
import dev.updater.core.manifest.Changelog;
import dev.updater.core.manifest.Manifest;
import dev.updater.core.manifest.ManifestParser;
import dev.updater.core.manifest.ManifestWriter;
import dev.updater.core.manifest.Rollout;
import dev.updater.core.platform.PlatformKeys;
import dev.updater.core.signature.Ed25519Keys;
import dev.updater.core.signature.SignedManifest;
import dev.updater.core.signature.TrustedKey;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a release channel: the artifacts, {@code manifest.json}, {@code manifest.json.sig} and
 * {@code manifest.signed} (both in one file, {@link SignedManifest}).
 *
 * <p>The steps, in order: check the request, check it moves the channel forward, load the key,
 * copy the artifacts under {@code <version>/<platform>/} (a zip-format one with its entry index and
 * objects for delta downloads, {@link EntryIndexPublisher}), sign, write the signature, the manifest
 * and manifest.signed, read them back ({@link SignedFiles}). Each file is replaced atomically; the signature goes first, so a client
 * reading between the two renames sees a mismatch and retries later, never a half-written file.
 * Every file written is world-readable and every folder created 0755 ({@link ChannelFiles}): a
 * channel exists to be served. A signing key inside the channel is refused ({@link PrivateKeyFiles}).
 */
public final class Publisher {
    public static final String MANIFEST_FILE = "manifest.json";
    public static final String SIGNATURE_FILE = "manifest.json.sig";
    public static final String SIGNED_FILE = SignedManifest.FILE_NAME;
    static final String NOTHING_PUBLISHED = "Nothing was published";

    private final Clock clock;

    public Publisher(Clock clock) {
        this.clock = clock;
    }

    /**
     * What was written, for the summary.
     *
     * @param warnings what the operator should fix although the release was published
     */
    public record Result(Manifest manifest, Path manifestFile, Path signatureFile, Map<String, Path> files,
                         TrustedKey signedBy, Manifest replaced, List<String> warnings) {
        public Result {
            warnings = List.copyOf(warnings);
        }
    }

    public Result publish(PublishRequest request) throws UpdaterException {
        Instant released = request.releaseDate() != null
                ? request.releaseDate()
                : clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant expires = checkRequest(request, released, clock.instant());
        PrivateKeyFiles.refuseInsideChannel(request.keyFile(), request.outDir(), NOTHING_PUBLISHED);
        Manifest previous = checkMovesForward(request);
        PrivateKey key = KeyFiles.readPrivateKey(request.keyFile());
        TrustedKey signer = TrustedKey.of(Ed25519Keys.publicKeyOf(key));
        List<String> warnings = prepareChannel(request.outDir());

        Map<String, Artifact> binaries = new LinkedHashMap<>();
        Map<String, Path> files = new LinkedHashMap<>();
        for (Map.Entry<String, Path> entry : request.artifacts().entrySet()) {
            String relative = request.version() + "/" + entry.getKey() + "/" + entry.getValue().getFileName();
            Path destination = request.outDir().resolve(relative);
            Sha256 sha256 = copyArtifact(entry.getValue(), request.outDir(), destination, request.force());
            String base = request.baseUrl() == null ? "" : withSlash(request.baseUrl().toString());
            Artifact.IndexRef index = EntryIndexPublisher.publish(destination, request.outDir(), relative + ".index", base);
            ArchiveFormat format = ArchiveFormat.ofFileName(destination.getFileName().toString()).orElse(null);
            // The same path under each mirror: a channel folder copied as it is to every mirror serves them all.
            List<String> mirrors = request.mirrors().stream().map(mirror -> mirror + relative).toList();
            binaries.put(entry.getKey(), new Artifact(base + relative, sha256, sizeOf(destination), index, mirrors,
                    format, format == null ? List.of() : request.config()));
            files.put(entry.getKey(), destination);
        }

        Manifest manifest = new Manifest(request.version(), released, binaries,
                new Changelog(request.features(), request.fixes()), request.minVersion(), request.breaking(),
                expires, rollout(request));

        byte[] manifestBytes = ManifestWriter.write(manifest);
        Path manifestFile = request.outDir().resolve(MANIFEST_FILE);
        Path signatureFile = SignedFiles.write(manifestFile, manifestBytes, key, signer);
        return new Result(manifest, manifestFile, signatureFile, files, signer, previous, warnings);
    }

    /**
     * The rollout the request asks for, or null for every host. With a schedule, {@code percent} is what
     * the schedule offers at once (its 0h wave): agents that predate schedules stop there.
     */
    private static Rollout rollout(PublishRequest request) {
        if (request.rolloutSchedule() != null) {
            return new Rollout(request.rolloutSchedule().percentAt(java.time.Duration.ZERO), request.rolloutSchedule(),
                    false, request.rolloutSalt());
        }
        return request.rolloutPercent() == null ? null
                : new Rollout(request.rolloutPercent(), null, false, request.rolloutSalt());
    }

    /** Creates the channel directory readable by all; an existing one others cannot read is left, with a warning. */
    private static List<String> prepareChannel(Path outDir) throws UpdaterException {
        try {
            boolean existed = Files.isDirectory(outDir);
            ChannelFiles.createFolders(outDir);
            String warning = existed ? ChannelFiles.unreadableFolderWarning(outDir) : null;
            return warning == null ? List.of() : List.of(warning);
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.IO, "Could not create the channel directory " + outDir + ": " + e
                    + "; check that its parent is writable.", e);
        }
    }

    /**
     * Reports every problem with the request at once.
     *
     * @return when the manifest expires, or null for never
     */
    private static Instant checkRequest(PublishRequest request, Instant released, Instant now)
            throws UpdaterException {
        List<String> problems = new ArrayList<>();
        if (request.artifacts().isEmpty()) {
            problems.add("no artifact was given; add --artifact KEY=PATH, for example --artifact any=app.jar");
        }
        for (String path : request.config()) {
            if (!Artifact.isConfigPath(path)) {
                problems.add("--config " + Printable.of(path, 80) + " is not a relative path inside the archive;"
                        + " give it as the archive names it, for example config/app.properties");
            }
        }
        if (!request.config().isEmpty() && request.artifacts().values().stream().noneMatch(
                file -> ArchiveFormat.ofFileName(file.getFileName().toString()).isPresent())) {
            problems.add("--config names files inside an archive, but no --artifact is a .zip, .tar.gz or .tgz");
        }
        for (Map.Entry<String, Path> entry : request.artifacts().entrySet()) {
            if (!PlatformKeys.KNOWN.contains(entry.getKey())) {
                problems.add("'" + entry.getKey() + "' is not a platform key; use one of "
                        + String.join(", ", PlatformKeys.KNOWN.stream().sorted().toList()));
            }
            Path file = entry.getValue();
            try {
                if (!Files.isRegularFile(file)) {
                    problems.add("artifact " + file + " " + (Files.exists(file) ? "is not a regular file" : "does not exist"));
                } else if (Files.size(file) == 0) {
                    problems.add("artifact " + file + " is empty");
                }
            } catch (IOException e) {
                problems.add("artifact " + file + " cannot be read: " + e);
            }
            if (!request.allowVersionMismatch() && Files.isRegularFile(file)) {
                ArtifactVersions.mismatches(file, request.version()).forEach(mismatch -> problems.add(mismatch
                        + "; publish the artifact built as " + request.version()
                        + ", or pass --allow-version-mismatch if it really is that release"));
            }
        }
        if (request.rolloutPercent() != null
                && !(request.rolloutPercent() >= 0 && request.rolloutPercent() <= 100)) {
            problems.add("rollout " + request.rolloutPercent() + " is outside 0 to 100");
        }
        if (request.rolloutPercent() != null && request.rolloutSchedule() != null) {
            problems.add("--rollout and --rollout-schedule both say who takes the release; give one of them");
        }
        if (request.rolloutSalt() != null && !Rollout.isSalt(request.rolloutSalt())) {
            problems.add("--rollout-salt \"" + request.rolloutSalt() + "\" must be 1 to " + Rollout.MAX_SALT_LENGTH
                    + " letters, digits, '.', '_' or '-'");
        } else if (request.rolloutSalt() != null && request.rolloutPercent() == null && request.rolloutSchedule() == null) {
            problems.add("--rollout-salt draws other hosts for a partial rollout; give --rollout or --rollout-schedule"
                    + " with it");
        }
        if (request.minVersion() != null && request.minVersion().isNewerThan(request.version())) {
            problems.add("--min-version " + request.minVersion() + " is above the release " + request.version());
        }
        Instant expires = null;
        if (request.expiresIn() != null && (request.expiresIn().isZero() || request.expiresIn().isNegative())) {
            problems.add("--expires-in must be longer than zero");
        } else if (request.expiresIn() != null) {
            String plus = "release date " + released + " plus " + HumanUnits.setting(request.expiresIn());
            try {
                expires = released.plus(request.expiresIn());
                // Threat: a manifest signed already expired, published and served as if it protected anything.
                if (!expires.isAfter(now)) {
                    problems.add("the manifest would expire at " + expires + " (" + plus + "), which is already"
                            + " past, so hosts would refuse it; give a longer --expires-in or a later --release-date");
                }
            } catch (DateTimeException | ArithmeticException e) {
                problems.add("--expires-in " + HumanUnits.setting(request.expiresIn()) + " is too long; give a shorter one");
            }
        }
        if (!problems.isEmpty()) {
            throw new UpdaterException(ErrorCode.MANIFEST_INVALID, NOTHING_PUBLISHED + ": "
                    + String.join("; ", problems) + ".");
        }
        return expires;
    }

    /**
     * Hosts refuse a manifest older than one they accepted, so publishing an older or equal version
     * over a newer one would strand them; it needs --force.
     */
    private static Manifest checkMovesForward(PublishRequest request) throws UpdaterException {
        Path existing = request.outDir().resolve(MANIFEST_FILE);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(existing);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.IO, "Could not read the existing " + existing + ": " + e + ".", e);
        }
        Manifest previous;
        try {
            previous = ManifestParser.parse(bytes, existing.toString());
        } catch (UpdaterException e) {
            if (request.force()) {
                return null;
            }
            throw new UpdaterException(e.code(), NOTHING_PUBLISHED + ": the existing " + existing
                    + " cannot be read (" + e.getMessage() + "). Fix or remove it, or pass --force to replace it.", e);
        }
        if (!request.version().isNewerThan(previous.version()) && !request.force()) {
            throw new UpdaterException(ErrorCode.VERSION_INVALID, "Nothing was published: " + existing
                    + " already offers " + previous.version() + ", and " + request.version()
                    + " is not newer. Publish a newer version, or pass --force (hosts that accepted "
                    + previous.version() + " will refuse an older manifest).");
        }
        return previous;
    }

    /** Copies atomically, hashing what is written; an existing different file of that name needs --force. */
    private static Sha256 copyArtifact(Path source, Path channel, Path destination, boolean force)
            throws UpdaterException {
        try {
            ChannelFiles.createFoldersInside(channel, destination.getParent());
            Sha256 sourceSha = Sha256.ofFile(source);
            if (Files.exists(destination, LinkOption.NOFOLLOW_LINKS)) {
                if (Sha256.ofFile(destination).equals(sourceSha)) {
                    ChannelFiles.makeReadable(destination); // published before, perhaps by a version that left 0600
                    return sourceSha;
                }
                if (!force) {
                    throw new UpdaterException(ErrorCode.IO, "Nothing was published: " + destination
                            + " already exists with other content; a published artifact never changes. Publish a"
                            + " new version, or pass --force to replace it.");
                }
            }
            Path temp = Files.createTempFile(destination.getParent(), ".publish-", ".tmp");
            try {
                MessageDigest digest = Sha256.newDigest();
                try (InputStream in = new DigestInputStream(Files.newInputStream(source), digest);
                     OutputStream out = Files.newOutputStream(temp, StandardOpenOption.TRUNCATE_EXISTING)) {
                    in.transferTo(out);
                }
                Sha256 written = Sha256.of(digest.digest());
                if (!written.equals(sourceSha)) {
                    throw new UpdaterException(ErrorCode.IO, "Nothing was published: " + source
                            + " changed while it was copied; publish again once it is complete.");
                }
                ChannelFiles.makeReadable(temp);
                AtomicFiles.fsync(temp);
                AtomicFiles.moveAtomically(temp, destination);
                return written;
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.IO, "Could not copy " + source + " to " + destination + ": " + e
                    + "; check the --out directory is writable and has space.", e);
        }
    }

    private static long sizeOf(Path file) throws UpdaterException {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.IO, "Could not read the size of " + file + ": " + e + ".", e);
        }
    }

    private static String withSlash(String url) {
        return url.endsWith("/") ? url : url + "/";
    }
}
