package dev.updater.sidecar.channel;

import dev.updater.core.ErrorCode;
import dev.updater.core.Sha256;
import dev.updater.core.UpdaterException;
import dev.updater.core.manifest.Artifact;
import dev.updater.core.manifest.Manifest;
import dev.updater.core.manifest.ManifestParser;
import dev.updater.core.platform.PlatformKeys;
import dev.updater.core.signature.Ed25519Keys;
import dev.updater.core.signature.TrustedKey;
import dev.updater.core.text.Printable;
import dev.updater.core.version.ReleaseVersion;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Publishes bytes that were published before, without a rebuild (DESIGN §11):
 * <ul>
 * <li>{@link #promote}: the release one channel offers ({@code beta}) into another ({@code stable}):
 *     same version, same artifact bytes, same SHA-256, same changelog; the new channel gets its own
 *     release date, rollout and expiry, so its waves start when it is promoted.</li>
 * <li>{@link #revert}: the artifacts an older version left in the channel, as a new version: a
 *     fleet-wide revert hosts take like any update (they never downgrade on their own).</li>
 * </ul>
 * Both end in {@link Publisher#publish}, with its checks (newer version, key outside the channel,
 * world-readable files, read back).
 *
 * <pre>{@code
 * new ReleasePromoter(Clock.systemUTC()).promote(root.resolve("beta"), ReleaseVersion.parse("1.3.0"),
 *         request.withRelease(root.resolve("stable"), ...));
 * }</pre>
 */
public final class ReleasePromoter {
    static final String NOTHING_PROMOTED = "Nothing was promoted";

    private final Clock clock;

    public ReleasePromoter(Clock clock) {
        this.clock = clock;
    }

    /**
     * What was published, and from what.
     *
     * @param source the verified manifest the bytes were taken from, or null for a revert (which reads files)
     */
    public record Result(Publisher.Result published, Manifest source) {
    }

    /**
     * Publishes the release {@code from} offers into {@code request.outDir()}: the version must be
     * {@code version}, its manifest signed by {@code request.keyFile()}, and each artifact file in
     * {@code from} must still hash to what that manifest signed.
     *
     * @param request the target channel, key, rollout, release date and expiry; its artifacts, changelog,
     *     minimum version and breaking flag are taken from the source release
     */
    public Result promote(Path from, ReleaseVersion version, PublishRequest request) throws UpdaterException {
        PrivateKeyFiles.refuseInsideChannel(request.keyFile(), from, NOTHING_PROMOTED);
        Path manifestFile = from.resolve(Publisher.MANIFEST_FILE);
        byte[] signed = ReleaseResigner.readManifest(manifestFile, NOTHING_PROMOTED);
        byte[] signature = ReleaseResigner.readSignature(from.resolve(Publisher.SIGNATURE_FILE), manifestFile,
                NOTHING_PROMOTED);
        TrustedKey signer = TrustedKey.of(Ed25519Keys.publicKeyOf(KeyFiles.readPrivateKey(request.keyFile())));
        // Threat: promoting what someone without the key put into the beta folder; only what this key signed moves.
        ReleaseResigner.checkSignedBy(signed, signature, signer, manifestFile, request.keyFile(), NOTHING_PROMOTED);
        Manifest source = ManifestParser.parse(signed, manifestFile.toString());
        if (!source.version().equals(version)) {
            throw new UpdaterException(ErrorCode.VERSION_INVALID, NOTHING_PROMOTED + ": " + manifestFile + " offers "
                    + source.version() + ", not " + version + "; promote the release the channel offers, or check --from.");
        }
        if (source.rollout() != null && source.rollout().halted()) {
            throw new UpdaterException(ErrorCode.VERSION_INVALID, NOTHING_PROMOTED + ": " + version + " is halted in "
                    + manifestFile + "; a halted release is not promoted. Publish a fixed release instead.");
        }
        Map<String, Path> files = new LinkedHashMap<>();
        ChannelFolder folder = new ChannelFolder(from.toAbsolutePath().normalize());
        for (Map.Entry<String, Artifact> entry : source.binaries().entrySet()) {
            files.put(entry.getKey(), signedFile(folder, from, version, entry.getKey(), entry.getValue()));
        }
        // The artifacts were accepted as this version when they were first published.
        Publisher.Result published = new Publisher(clock).publish(request.withRelease(request.outDir(), files,
                source.changelog().features(), source.changelog().fixes(), source.minVersion(),
                source.breakingChanges(), true));
        for (Map.Entry<String, Artifact> entry : source.binaries().entrySet()) {
            Artifact copy = published.manifest().binaries().get(entry.getKey());
            if (copy == null || !copy.sha256().equals(entry.getValue().sha256()) || copy.size() != entry.getValue().size()) {
                throw new UpdaterException(ErrorCode.INTERNAL_ERROR, "Promoting " + version + " published other bytes"
                        + " for " + entry.getKey() + " than " + manifestFile + " signed, a bug in updater; please"
                        + " report it, and publish the release again.");
            }
        }
        return new Result(published, source);
    }

    /**
     * Publishes the artifacts {@code publish} left under {@code channel/<oldVersion>/<platform>/} as
     * {@code request.version()}. The old manifest is gone by now, so the files are taken as they are, as
     * {@code publish --artifact} takes any file: the summary prints their SHA-256 to compare.
     */
    public Result revert(Path channel, ReleaseVersion oldVersion, PublishRequest request) throws UpdaterException {
        if (!oldVersion.isOlderThan(request.version())) {
            throw new UpdaterException(ErrorCode.VERSION_INVALID, Publisher.NOTHING_PUBLISHED + ": --revert-to "
                    + oldVersion + " is not older than --version " + request.version() + "; a revert publishes the old"
                    + " bytes as a newer version, which hosts take like any update.");
        }
        Map<String, Path> files = oldArtifacts(channel, oldVersion, request.version());
        // The bytes are the old release's by design: their own version names the release they came from.
        return new Result(new Publisher(clock).publish(request.withRelease(request.outDir(), files, request.features(),
                request.fixes().isEmpty() ? List.of("Reverts to the bytes of " + oldVersion) : request.fixes(),
                request.minVersion(), request.breaking(), true)), null);
    }

    /** The file a promoted artifact is copied from: inside {@code from}, and hashing to what was signed. */
    private static Path signedFile(ChannelFolder folder, Path from, ReleaseVersion version, String key,
                                   Artifact artifact) throws UpdaterException {
        URI uri = URI.create(artifact.url());
        if (uri.isAbsolute()) {
            throw new UpdaterException(ErrorCode.MANIFEST_INVALID, NOTHING_PROMOTED + ": the " + key + " artifact of "
                    + version + " is at " + Printable.of(artifact.url()) + ", outside " + from + ", and promote copies"
                    + " artifacts from the channel folder. Publish it into the other channel with 'publish --version "
                    + version + " --artifact " + key + "=FILE --base-url URL'.");
        }
        ChannelFolder.LocalFile file;
        try {
            file = folder.artifact(from.toAbsolutePath().normalize().toUri().resolve(uri), artifact.url());
        } catch (UpdaterException e) {
            throw new UpdaterException(e.code(), NOTHING_PROMOTED + ": the " + key + " artifact of " + version + ": "
                    + e.getMessage(), e);
        }
        Sha256 actual;
        try {
            actual = Sha256.ofFile(file.real());
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.IO, NOTHING_PROMOTED + ": could not read " + file.shown() + ": " + e
                    + ".", e);
        }
        if (!actual.equals(artifact.sha256())) {
            throw new UpdaterException(ErrorCode.DOWNLOAD_HASH_MISMATCH, NOTHING_PROMOTED + ": " + file.shown()
                    + " has SHA-256 " + actual + ", but " + version + " was signed with " + artifact.sha256()
                    + "; it changed after it was published. Find out why before publishing anything from it.");
        }
        return file.real();
    }

    /** One artifact per platform folder under {@code channel/<oldVersion>/}; an entry index beside it is not one. */
    private static Map<String, Path> oldArtifacts(Path channel, ReleaseVersion oldVersion, ReleaseVersion newVersion)
            throws UpdaterException {
        Path versionDir = channel.resolve(oldVersion.toString());
        String byHand = " Publish the old artifact by hand: 'publish --version " + newVersion + " --artifact any=FILE"
                + " --allow-version-mismatch'.";
        Map<String, Path> files = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        try (Stream<Path> platforms = Files.list(versionDir)) {
            for (Path platform : platforms.sorted().toList()) {
                String key = platform.getFileName().toString();
                if (!PlatformKeys.KNOWN.contains(key) || !Files.isDirectory(platform, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                List<Path> artifacts;
                try (Stream<Path> inside = Files.list(platform)) {
                    artifacts = inside.filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS))
                            .filter(f -> !f.getFileName().toString().endsWith(".index"))
                            .filter(f -> !f.getFileName().toString().startsWith("."))
                            .sorted().toList();
                }
                if (artifacts.size() != 1) {
                    problems.add(platform + " holds " + artifacts.size() + " artifact files, not one");
                } else {
                    files.put(key, artifacts.get(0));
                }
            }
        } catch (NoSuchFileException e) {
            throw new UpdaterException(ErrorCode.IO, Publisher.NOTHING_PUBLISHED + ": there is no " + versionDir
                    + ", where 'publish' put the artifacts of " + oldVersion + " in this channel." + byHand, e);
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.IO, Publisher.NOTHING_PUBLISHED + ": could not read " + versionDir
                    + ": " + e + ".", e);
        }
        if (files.isEmpty() && problems.isEmpty()) {
            problems.add(versionDir + " holds no platform folder (any, linux-x64, ...)");
        }
        if (!problems.isEmpty()) {
            throw new UpdaterException(ErrorCode.IO, Publisher.NOTHING_PUBLISHED + ": " + String.join("; ", problems)
                    + "." + byHand);
        }
        return files;
    }
}
