package dev.updater.sidecar.cli;

import dev.updater.core.manifest.ArchiveFormat;
import dev.updater.core.testing.TestArchives;
import dev.updater.core.Sha256;
import dev.updater.core.delta.EntryIndex;
import dev.updater.core.delta.ChunkedIndex;
import dev.updater.core.delta.FileChunkIndex;
import dev.updater.core.delta.ObjectRef;
import dev.updater.core.manifest.Artifact;
import dev.updater.core.text.HumanUnits;
import dev.updater.core.manifest.Manifest;
import dev.updater.core.manifest.ManifestParser;
import dev.updater.core.signature.OpenSsl;
import dev.updater.core.testing.ChildProcess;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import dev.updater.core.signature.Ed25519Keys;
import dev.updater.sidecar.channel.KeyFiles;
import dev.updater.sidecar.channel.PublishRequest;
import dev.updater.sidecar.channel.Publisher;
import dev.updater.sidecar.testhost.HostJars;

import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class PublishCommandTest {
    @TempDir
    Path dir;

    private Path keys;
    private Path channel;
    private Path jar;

    @BeforeEach
    void keysAndArtifact() throws Exception {
        keys = dir.resolve("keys");
        channel = dir.resolve("channel");
        assertEquals(0, CliRun.run("keygen", "--out", keys.toString()).exitCode());
        jar = Files.write(dir.resolve("app.jar"), "the 1.0.0 bytes".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void publish_thenVerify_roundTrips_withEveryField() throws Exception {
        CliRun run = publish("--version", "1.0.0", "--artifact", "any=" + jar, "--feature", "Dark mode",
                "--fix", "Login timeout", "--min-version", "0.9.0", "--release-date", "2026-02-07T12:00:00Z",
                "--expires-in", "3650d", "--rollout", "25");
        assertEquals(0, run.exitCode(), run.toString());

        Manifest m = ManifestParser.parse(Files.readAllBytes(channel.resolve("manifest.json")), "test");
        assertEquals("1.0.0", m.version().toString());
        assertEquals("1.0.0/any/app.jar", m.binaries().get("any").url());
        assertEquals(Sha256.ofFile(jar), m.binaries().get("any").sha256());
        assertEquals(Files.size(jar), m.binaries().get("any").size());
        assertEquals(List.of("Dark mode"), m.changelog().features());
        assertEquals(List.of("Login timeout"), m.changelog().fixes());
        assertEquals("0.9.0", m.minVersion().toString());
        assertEquals(Instant.parse("2026-02-07T12:00:00Z"), m.releaseDate());
        assertEquals(Instant.parse("2036-02-05T12:00:00Z"), m.expires());
        assertEquals(25.0, m.rollout().percent());
        assertArrayEquals(Files.readAllBytes(jar), Files.readAllBytes(channel.resolve("1.0.0/any/app.jar")));
        assertTrue(run.out().startsWith("Published 1.0.0 into " + channel + "\n"), run.out());
        assertTrue(run.out().contains("\n  expires       2036-02-05T12:00:00Z (renew it before then with"
                + " 'publish --resign', or hosts refuse the channel)\n"), run.out());

        CliRun verify = CliRun.run("verify", "--manifest", channel.toString(), "--key-file",
                keys.resolve("updater.pub").toString(), "--artifacts");
        assertEquals(0, verify.exitCode(), verify.toString());
        assertTrue(verify.out().contains("ok       artifact any: 15 bytes, sha256 matches\n"), verify.out());
    }

    @Test
    void publishedChannel_verifies_andItsSignatureVerifiesWithOpenssl() throws Exception {
        assertEquals(0, publish("--version", "1.0.0", "--artifact", "any=" + jar).exitCode());

        CliRun verify = CliRun.run("verify", "--manifest", channel.resolve("manifest.json").toString(),
                "--key-file", keys.resolve("updater.pub").toString(), "--artifacts");
        assertEquals(0, verify.exitCode(), verify.toString());
        assertTrue(verify.out().endsWith("Verified " + channel.resolve("manifest.json") + ": release 1.0.0.\n"));

        String sig = Files.readString(channel.resolve("manifest.json.sig")).strip();
        Files.write(dir.resolve("sig.bin"), Base64.getDecoder().decode(sig));
        String out = OpenSsl.runOk(dir, "pkeyutl", "-verify", "-pubin", "-inkey", keys.resolve("updater.pub").toString(),
                "-rawin", "-in", channel.resolve("manifest.json").toString(), "-sigfile", "sig.bin");
        assertTrue(out.contains("Signature Verified Successfully"), out);
    }

    @Test
    @DisabledOnOs(value = OS.WINDOWS, disabledReason = "docs/publishing.md's commands are POSIX"
            + " shell (bash, head, tail, base64, cmp)")
    void publishedManifestSigned_verifiesWithVerify_andByHandWithTheDocumentedOpensslCommands() throws Exception {
        assertEquals(0, publish("--version", "1.0.0", "--artifact", "any=" + jar).exitCode());
        Path signed = channel.resolve("manifest.signed");

        CliRun verify = CliRun.run("verify", "--manifest", signed.toString(), "--key-file",
                keys.resolve("updater.pub").toString(), "--artifacts");
        assertEquals(0, verify.exitCode(), verify.toString());
        assertTrue(verify.out().endsWith("Verified " + signed + ": release 1.0.0.\n"), verify.out());

        // docs/publishing.md, "Checking manifest.signed by hand"
        ProcessBuilder commands = new ProcessBuilder("bash", "-ec", """
                head -n 1 manifest.signed
                tail -n +3 manifest.signed > manifest.signed.json
                head -n 2 manifest.signed | tail -n 1 | base64 -d > manifest.signed.sig
                openssl pkeyutl -verify -pubin -inkey "$PUB" -rawin -in manifest.signed.json -sigfile manifest.signed.sig
                cmp manifest.signed.json manifest.json
                rm manifest.signed.json manifest.signed.sig
                """).directory(channel.toFile());
        commands.environment().put("PUB", keys.resolve("updater.pub").toString());
        ChildProcess.Finished byHand = ChildProcess.run(commands, Duration.ofSeconds(30));
        assertEquals(0, byHand.exitCode(), byHand.toString());
        assertEquals("updater-signed-manifest 1\nSignature Verified Successfully\n", byHand.out());
    }

    @Test
    void publish_withAnOpensslKey_verifiesWithItsOpensslPublicKey() throws Exception {
        OpenSsl.runOk(dir, "genpkey", "-algorithm", "ed25519", "-out", "ossl.pem");
        OpenSsl.runOk(dir, "pkey", "-in", "ossl.pem", "-pubout", "-out", "ossl.pub");
        CliRun run = CliRun.run("publish", "--version", "1.0.0", "--artifact", "any=" + jar,
                "--key", dir.resolve("ossl.pem").toString(), "--out", channel.toString());
        assertEquals(0, run.exitCode(), run.toString());

        CliRun verify = CliRun.run("verify", "--manifest", channel.toString(), "--key-file", dir.resolve("ossl.pub").toString());
        assertEquals(0, verify.exitCode(), verify.toString());
        CliRun wrongKey = CliRun.run("verify", "--manifest", channel.toString(), "--key-file",
                keys.resolve("updater.pub").toString());
        assertEquals(1, wrongKey.exitCode(), wrongKey.toString());
    }

    @Test
    void publish_withBaseUrl_writesAbsoluteArtifactUrls() throws Exception {
        assertEquals(0, publish("--version", "1.0.0", "--artifact", "linux-x64=" + jar, "--base-url",
                "https://cdn.example.com/app").exitCode());
        Manifest m = ManifestParser.parse(Files.readAllBytes(channel.resolve("manifest.json")), "test");
        assertEquals("https://cdn.example.com/app/1.0.0/linux-x64/app.jar", m.binaries().get("linux-x64").url());
    }

    /** A zip of {@code entries} STORED entries, each 4 KiB; {@code changed} alters the content of entry 7. */
    private static byte[] zip(int entries, boolean changed) throws Exception {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(bytes)) {
            for (int i = 0; i < entries; i++) {
                java.util.zip.ZipEntry entry = new java.util.zip.ZipEntry("C" + i + ".class");
                entry.setTime(0);
                zip.putNextEntry(entry);
                zip.write(("entry " + i + (changed && i == 7 ? " changed" : "") + " ").repeat(400)
                        .getBytes(StandardCharsets.UTF_8));
            }
        }
        return bytes.toByteArray();
    }

    private long objectCount() throws Exception {
        try (Stream<Path> objects = Files.list(channel.resolve("objects"))) {
            return objects.count();
        }
    }

    @Test
    void publish_ofAJar_writesItsSignedEntryIndex_andOnlyTheObjectsThatChanged() throws Exception {
        Path v1 = Files.write(dir.resolve("app-1.jar"), zip(20, false));
        Path v2 = Files.write(dir.resolve("app.jar"), zip(20, true));
        assertEquals(0, publish("--version", "1.0.0", "--artifact", "any=" + v1).exitCode());
        assertEquals(21, objectCount(), "one object per entry, and one for the index's only chunk");

        CliRun run = publish("--version", "1.1.0", "--artifact", "any=" + v2);
        assertEquals(0, run.exitCode(), run.toString());

        Manifest m = ManifestParser.parse(Files.readAllBytes(channel.resolve("manifest.json")), "test");
        Artifact.IndexRef index = m.binaries().get("any").index();
        assertEquals("1.1.0/any/app.jar.index", index.url());
        assertEquals("objects/", index.objects());
        Path indexFile = channel.resolve("1.1.0/any/app.jar.index");
        assertEquals(Sha256.ofFile(indexFile), index.sha256());
        assertEquals(Files.size(indexFile), index.size());
        assertEquals(23, objectCount(), "1.1.0 adds only the changed entry's data and its index's chunk");
        assertTrue(run.out().contains("\n                1.1.0/any/app.jar.index  " + HumanUnits.bytes(index.size())
                + ", objects under objects/ (delta downloads)\n"), run.out());
        EntryIndex entries = ChunkedIndex.read(Files.readAllBytes(indexFile), Files.size(v2), Sha256.ofFile(v2))
                .assemble(chunk -> Files.readAllBytes(channel.resolve(chunk.path())));
        for (ObjectRef ref : entries.objects()) {
            assertEquals(ref.sha256(), Sha256.ofFile(channel.resolve(ref.path())), "objects/<sha256> holds those bytes");
        }
    }

    /** A fat jar nesting {@code nested} STORED, as Spring Boot nests BOOT-INF/lib/*.jar. */
    private static byte[] fatJar(byte[] nested) throws Exception {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(bytes)) {
            java.util.zip.ZipEntry entry = new java.util.zip.ZipEntry("BOOT-INF/lib/module.jar");
            entry.setMethod(java.util.zip.ZipEntry.STORED);
            entry.setSize(nested.length);
            java.util.zip.CRC32 crc = new java.util.zip.CRC32();
            crc.update(nested);
            entry.setCrc(crc.getValue());
            entry.setTime(0);
            zip.putNextEntry(entry);
            zip.write(nested);
        }
        return bytes.toByteArray();
    }

    @Test
    void publish_ofAFatJar_indexesItsNestedJar_version3_andStoresItWholeAndByEntry() throws Exception {
        Path v1 = Files.write(dir.resolve("app-1.jar"), fatJar(zip(20, false)));
        Path v2 = Files.write(dir.resolve("app.jar"), fatJar(zip(20, true)));
        assertEquals(0, publish("--version", "1.0.0", "--artifact", "any=" + v1).exitCode());
        assertEquals(22, objectCount(), "the nested jar, its 20 entries and the index's only chunk");

        CliRun run = publish("--version", "1.1.0", "--artifact", "any=" + v2);
        assertEquals(0, run.exitCode(), run.toString());

        assertEquals(25, objectCount(), "1.1.0 adds the new nested jar, its changed entry and the index's chunk");
        byte[] top = Files.readAllBytes(channel.resolve("1.1.0/any/app.jar.index"));
        assertEquals("UPDZIDX3", new String(top, 0, 8, StandardCharsets.US_ASCII), "an index with nested jars");
        EntryIndex entries = ChunkedIndex.read(top, Files.size(v2), Sha256.ofFile(v2))
                .assemble(chunk -> Files.readAllBytes(channel.resolve(chunk.path())));
        assertEquals(1, entries.nested().size());
        assertEquals(21, entries.allObjects().size());
        for (ObjectRef ref : entries.allObjects()) {
            assertEquals(ref.sha256(), Sha256.ofFile(channel.resolve(ref.path())), "objects/<sha256> holds those bytes");
        }
    }

    @Test
    void publish_ofABinaryThatIsNotAZip_writesItsChunkIndex_andOnlyTheChunksThatChanged() throws Exception {
        byte[] bytes = new byte[1 << 20];
        new java.util.Random(3).nextBytes(bytes);
        Path v1 = Files.write(dir.resolve("app-1.bin"), bytes);
        bytes[1 << 19] ^= 1;
        Path v2 = Files.write(dir.resolve("app.bin"), bytes);
        assertEquals(0, publish("--version", "1.0.0", "--artifact", "linux-x64=" + v1).exitCode());
        long first = objectCount();

        CliRun run = publish("--version", "1.1.0", "--artifact", "linux-x64=" + v2);
        assertEquals(0, run.exitCode(), run.toString());

        Manifest m = ManifestParser.parse(Files.readAllBytes(channel.resolve("manifest.json")), "test");
        Artifact.IndexRef index = m.binaries().get("linux-x64").index();
        assertEquals("1.1.0/linux-x64/app.bin.index", index.url());
        assertEquals("objects/", index.objects());
        Path indexFile = channel.resolve("1.1.0/linux-x64/app.bin.index");
        assertEquals(Sha256.ofFile(indexFile), index.sha256());
        assertTrue(run.out().contains("\n                1.1.0/linux-x64/app.bin.index  " + HumanUnits.bytes(index.size())
                + ", objects under objects/ (delta downloads)\n"), run.out());
        FileChunkIndex chunks = FileChunkIndex.read(Files.readAllBytes(indexFile), Files.size(v2), Sha256.ofFile(v2));
        java.io.ByteArrayOutputStream rebuilt = new java.io.ByteArrayOutputStream();
        for (ObjectRef ref : chunks.chunks()) {
            rebuilt.write(Files.readAllBytes(channel.resolve(ref.path())));
        }
        assertArrayEquals(bytes, rebuilt.toByteArray(), "objects/<sha256> end to end are the artifact");
        long added = objectCount() - first;
        assertTrue(added >= 1 && added <= 2, "1.1.0 adds only the one or two chunks around the change: " + added);
    }

    @Test
    void publish_ofASmallFileThatIsNotAZip_writesNoIndex() throws Exception {
        assertEquals(0, publish("--version", "1.0.0", "--artifact", "any=" + jar).exitCode());
        Manifest m = ManifestParser.parse(Files.readAllBytes(channel.resolve("manifest.json")), "test");
        assertNull(m.binaries().get("any").index());
        assertFalse(Files.exists(channel.resolve("1.0.0/any/app.jar.index")));
        assertTrue(Files.readString(channel.resolve("manifest.json")).indexOf("\"index\"") < 0);
    }

    @Test
    void publish_ofAZipAndATarGz_writesTheirFormat_andTheConfigPaths() throws Exception {
        Path zip = Files.write(dir.resolve("app-1.0.0.zip"), TestArchives.zip(TestArchives.of(
                TestArchives.file("app-1.0.0/config/app.properties", 0644, "port=1\n"))));
        Path tgz = Files.write(dir.resolve("app-1.0.0.tgz"), TestArchives.tarGz(TestArchives.of(
                TestArchives.file("app-1.0.0/config/app.properties", 0644, "port=1\n"))));

        CliRun run = publish("--version", "1.0.0", "--artifact", "any=" + zip, "--artifact", "linux-x64=" + tgz,
                "--config", "config/app.properties");

        assertEquals(0, run.exitCode(), run.toString());
        Manifest m = ManifestParser.parse(Files.readAllBytes(channel.resolve("manifest.json")), "test");
        assertEquals(ArchiveFormat.ZIP, m.binaries().get("any").format());
        assertEquals(ArchiveFormat.TAR_GZ, m.binaries().get("linux-x64").format());
        assertEquals(List.of("config/app.properties"), m.binaries().get("any").config());
        assertEquals(List.of("config/app.properties"), m.binaries().get("linux-x64").config());
        assertTrue(run.out().contains("                zip archive, unpacked into a release folder; config kept when"
                + " changed: config/app.properties\n"), run.out());
    }

    @Test
    void publish_withConfigButNoArchive_orAConfigPathLeavingTheArchive_isRefused() throws Exception {
        CliRun run = publish("--version", "1.0.0", "--artifact", "any=" + jar, "--config", "../etc/app.conf");
        assertEquals(1, run.exitCode(), run.toString());
        assertEquals("Nothing was published: --config ../etc/app.conf is not a relative path inside the archive;"
                + " give it as the archive names it, for example config/app.properties; --config names files inside"
                + " an archive, but no --artifact is a .zip, .tar.gz or .tgz.\n", run.err());
        assertFalse(Files.exists(channel.resolve("manifest.json")));
    }

    @Test
    void publish_refusesAVersionNotNewer_andLeavesTheChannelUnchanged() throws Exception {
        assertEquals(0, publish("--version", "1.1.0", "--artifact", "any=" + jar).exitCode());
        byte[] manifest = Files.readAllBytes(channel.resolve("manifest.json"));
        byte[] sig = Files.readAllBytes(channel.resolve("manifest.json.sig"));

        for (String older : new String[] {"1.1.0", "1.0.0"}) {
            CliRun run = publish("--version", older, "--artifact", "any=" + jar);
            assertEquals(1, run.exitCode(), run.toString());
            assertEquals("Nothing was published: " + channel.resolve("manifest.json") + " already offers 1.1.0, and "
                    + older + " is not newer. Publish a newer version, or pass --force (hosts that accepted 1.1.0 will"
                    + " refuse an older manifest).\n", run.err());
            assertArrayEquals(manifest, Files.readAllBytes(channel.resolve("manifest.json")));
            assertArrayEquals(sig, Files.readAllBytes(channel.resolve("manifest.json.sig")));
        }
        assertFalse(Files.exists(channel.resolve("1.0.0")), "no artifact copied for a refused release");

        assertEquals(0, publish("--version", "1.0.0", "--artifact", "any=" + jar, "--force").exitCode());
    }

    @Test
    void publish_refusesMissingAndEmptyArtifacts_allAtOnce() throws Exception {
        Path empty = Files.createFile(dir.resolve("empty.jar"));
        CliRun run = publish("--version", "1.0.0", "--artifact", "any=" + dir.resolve("missing.jar"),
                "--artifact", "linux-x64=" + empty);
        assertEquals(1, run.exitCode());
        assertEquals("Nothing was published: artifact " + dir.resolve("missing.jar") + " does not exist; artifact "
                + empty + " is empty.\n", run.err());
        assertFalse(Files.exists(channel.resolve("manifest.json")));
    }

    @Test
    void publish_refusesBadOptionValues_asUsageErrors() {
        assertUsage(publish("--version", "1.x", "--artifact", "any=" + jar),
                "Invalid value for option '--version': '1.x' is not a semantic version such as 1.3.0 or 2.0.0-rc.1");
        assertUsage(publish("--version", "1.0.0", "--artifact", "solaris-sparc=" + jar),
                "Invalid value for option '--artifact' (KEY=PATH): 'solaris-sparc' is not a platform key; use one of"
                        + " any, darwin-arm64, darwin-x64, linux-arm64, linux-x64, windows-x64");
        assertUsage(publish("--version", "1.0.0", "--artifact", jar.toString()),
                "Invalid value for option '--artifact' (KEY=PATH): '" + jar + "' is not KEY=PATH, for example"
                        + " any=target/app.jar");
        assertUsage(publish("--version", "1.0.0", "--artifact", "any=" + jar, "--rollout", "101"),
                "Invalid value for option '--rollout': 101.0 is outside 0 to 100");
        assertUsage(publish("--version", "1.0.0", "--artifact", "any=" + jar, "--expires-in", "soon"),
                "Invalid value for option '--expires-in': \"soon\" is not a duration; write a number and a"
                        + " unit: 500ms, 5s, 10m, 1h or 30d");
        assertUsage(publish("--version", "1.0.0", "--artifact", "any=" + jar, "--artifact", "any=" + jar),
                "Platform key 'any' is given twice in --artifact");
        assertFalse(Files.exists(channel), "nothing written for a usage error");
    }

    @Test
    void publish_refusesAMinVersionAboveTheRelease() {
        CliRun run = publish("--version", "1.0.0", "--artifact", "any=" + jar, "--min-version", "2.0.0");
        assertEquals(1, run.exitCode());
        assertEquals("Nothing was published: --min-version 2.0.0 is above the release 1.0.0.\n", run.err());
    }

    @Test
    void publish_refusesAJarWhoseImplementationVersionIsAnother_namingBoth_andChangesNothing() throws Exception {
        assertEquals(0, publish("--version", "1.0.0", "--artifact", "any=" + jar).exitCode());
        Map<String, String> before = snapshot(channel);
        Path built = HostJars.build(dir.resolve("build/app.jar"), "1.1.0");

        CliRun run = publish("--version", "1.3.0", "--artifact", "any=" + built);

        assertEquals(1, run.exitCode(), run.toString());
        assertEquals("Nothing was published: artifact " + built + " says it is 1.1.0 (Implementation-Version in its"
                + " META-INF/MANIFEST.MF), not --version 1.3.0; publish the artifact built as 1.3.0, or pass"
                + " --allow-version-mismatch if it really is that release.\n", run.err());
        assertEquals(before, snapshot(channel));
    }

    @Test
    void publish_refusesAnArtifactWhoseFileNameNamesAnotherVersion() throws Exception {
        Path named = Files.write(dir.resolve("app-1.1.0.jar"), "not a jar".getBytes(StandardCharsets.UTF_8));

        CliRun run = publish("--version", "1.3.0", "--artifact", "any=" + named);

        assertEquals(1, run.exitCode(), run.toString());
        assertEquals("Nothing was published: artifact " + named + " says 1.1.0 in its file name, not --version 1.3.0;"
                + " publish the artifact built as 1.3.0, or pass --allow-version-mismatch if it really is that"
                + " release.\n", run.err());
        assertFalse(Files.exists(channel));
    }

    @Test
    void publish_withAllowVersionMismatch_publishesTheArtifactAnyway() throws Exception {
        Path built = HostJars.build(dir.resolve("build/app-1.1.0.jar"), "1.1.0");

        CliRun run = publish("--version", "1.3.0", "--artifact", "any=" + built, "--allow-version-mismatch");

        assertEquals(0, run.exitCode(), run.toString());
        assertEquals("1.3.0", ManifestParser.parse(Files.readAllBytes(channel.resolve("manifest.json")), "t")
                .version().toString());
    }

    @Test
    void publish_acceptsAnArtifactWhoseOwnVersionsMatch() throws Exception {
        Path built = HostJars.build(dir.resolve("build/app-1.3.0.jar"), "1.3.0");

        assertEquals(0, publish("--version", "1.3.0", "--artifact", "any=" + built).exitCode());
    }

    @Test
    void publish_withThePublicKeyFile_saysItNeedsThePrivateKey() {
        CliRun run = CliRun.run("publish", "--version", "1.0.0", "--artifact", "any=" + jar,
                "--key", keys.resolve("updater.pub").toString(), "--out", channel.toString());
        assertEquals(1, run.exitCode());
        assertEquals("Key file " + keys.resolve("updater.pub") + ": No PEM \"-----BEGIN PRIVATE KEY-----\" block found."
                + " This looks like a public key; signing needs the private key file.\n", run.err());
        assertFalse(Files.exists(channel.resolve("manifest.json")));
    }

    @Test
    void publish_neverChangesAnArtifactAlreadyPublishedUnderTheSameName() throws Exception {
        assertEquals(0, publish("--version", "1.0.0", "--artifact", "any=" + jar).exitCode());
        Files.delete(channel.resolve("manifest.json"));
        Files.writeString(jar, "other bytes");
        CliRun run = publish("--version", "1.0.0", "--artifact", "any=" + jar);
        assertEquals(1, run.exitCode());
        assertEquals("Nothing was published: " + channel.resolve("1.0.0/any/app.jar") + " already exists with other"
                + " content; a published artifact never changes. Publish a new version, or pass --force to replace"
                + " it.\n", run.err());
        assertEquals("the 1.0.0 bytes", Files.readString(channel.resolve("1.0.0/any/app.jar")));
    }

    @Test
    void publish_writesEveryFileWorldReadable_andEveryFolder0755_whileTheKeyStaysPrivate() throws Exception {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "POSIX modes only");

        assertEquals(0, publish("--version", "1.0.0", "--artifact", "any=" + jar).exitCode());

        for (String file : List.of("manifest.json", "manifest.json.sig", "manifest.signed", "1.0.0/any/app.jar")) {
            assertEquals("rw-r--r--", mode(channel.resolve(file)), file);
        }
        for (String folder : List.of("", "1.0.0", "1.0.0/any")) {
            assertEquals("rwxr-xr-x", mode(channel.resolve(folder)), "folder '" + folder + "'");
        }
        assertEquals("rw-------", mode(keys.resolve("updater.key")));
    }

    @Test
    void publish_intoAFolderOthersCannotRead_publishes_andSaysHowToFixIt() throws Exception {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "POSIX modes only");
        Files.createDirectory(channel, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));

        CliRun run = publish("--version", "1.0.0", "--artifact", "any=" + jar);

        assertEquals(0, run.exitCode(), run.toString());
        assertEquals("Warning: " + channel + " has mode rwx------: a web server running as another user cannot read"
                + " the channel and hosts would get 403. Make it readable: chmod 755 " + channel + "\n", run.err());
        assertEquals("rwx------", mode(channel), "the operator's own folder is left as it is");
    }

    @Test
    void publish_withoutExpiresIn_expiresThirtyDaysAfterTheReleaseDate() throws Exception {
        CliRun run = publish("--version", "1.0.0", "--artifact", "any=" + jar);

        assertEquals(0, run.exitCode(), run.toString());
        Manifest m = ManifestParser.parse(Files.readAllBytes(channel.resolve("manifest.json")), "test");
        assertEquals(m.releaseDate().plus(Duration.ofDays(30)), m.expires());
        assertTrue(run.out().contains("\n  expires       " + m.expires() + " (renew it before then with"
                + " 'publish --resign', or hosts refuse the channel)\n"), run.out());
        assertEquals("", run.err());
    }

    @Test
    void publish_withNoExpiry_writesAManifestThatNeverExpires_andWarnsOfReplay() throws Exception {
        CliRun run = publish("--version", "1.0.0", "--artifact", "any=" + jar, "--no-expiry");

        assertEquals(0, run.exitCode(), run.toString());
        assertNull(ManifestParser.parse(Files.readAllBytes(channel.resolve("manifest.json")), "test").expires());
        assertFalse(Files.readString(channel.resolve("manifest.json")).contains("expires"));
        assertTrue(run.out().contains("\n  expires       never\n"), run.out());
        assertEquals("Warning: --no-expiry: this manifest never expires. Whoever captures it can replay it to hosts"
                + " forever and hide every later release from them (a freeze attack). Prefer the default 30-day"
                + " expiry, renewed on a schedule with 'publish --resign' (see docs/publishing.md).\n", run.err());
    }

    @Test
    void publish_ofAManifestThatWouldAlreadyBeExpired_isRefused_andTheChannelStaysAsItWas() throws Exception {
        assertEquals(0, publish("--version", "1.0.0", "--artifact", "any=" + jar).exitCode());
        Map<String, String> before = snapshot(channel);

        CliRun run = publish("--version", "1.1.0", "--artifact", "any=" + jar, "--release-date",
                "2026-02-07T12:00:00Z", "--expires-in", "30d");

        assertEquals(1, run.exitCode(), run.toString());
        assertEquals("Nothing was published: the manifest would expire at 2026-03-09T12:00:00Z (release date"
                + " 2026-02-07T12:00:00Z plus 30d), which is already past, so hosts would refuse it; give a longer"
                + " --expires-in or a later --release-date.\n", run.err());
        assertEquals(before, snapshot(channel));
        assertFalse(Files.exists(channel.resolve("1.1.0")), "no folder made for a refused release");
    }

    @Test
    void publish_withAZeroExpiry_isRefused() {
        CliRun run = publish("--version", "1.0.0", "--artifact", "any=" + jar, "--expires-in", "0d");

        assertEquals(1, run.exitCode(), run.toString());
        assertEquals("Nothing was published: --expires-in must be longer than zero.\n", run.err());
        assertFalse(Files.exists(channel));
    }

    @Test
    void publish_withNoExpiryAndExpiresIn_orWithoutVersionAndArtifact_isAUsageError() {
        assertUsage(publish("--version", "1.0.0", "--artifact", "any=" + jar, "--no-expiry", "--expires-in", "1d"),
                "--no-expiry and --expires-in contradict each other; give one of them");
        assertUsage(publish(), "Missing required options: '--version=V', '--artifact=KEY=PATH' (or --resign to renew"
                + " the expiry of the release in --out)");
        assertFalse(Files.exists(channel));
    }

    /** The scenario of issue 10: keygen --out ch; publish --key ch/updater.key --out ch. */
    @Test
    void publish_withTheKeyKeygenWroteIntoTheChannel_isRefused_andChangesNothing() throws Exception {
        Path ch = dir.resolve("ch");
        assertEquals(0, CliRun.run("keygen", "--out", ch.toString()).exitCode());
        Map<String, String> before = snapshot(ch);

        CliRun run = CliRun.run("publish", "--version", "1.0.0", "--artifact", "any=" + jar,
                "--key", ch.resolve("updater.key").toString(), "--out", ch.toString());

        assertEquals(1, run.exitCode(), run.toString());
        assertEquals("Nothing was published: the signing key " + ch.resolve("updater.key") + " lies inside the"
                + " channel directory " + ch + ", where a web server hands it to anyone. Move the key out of " + ch
                + " (for example to ./keys) and pass its new path to --key.\n", run.err());
        assertEquals(before, snapshot(ch));
        assertEquals(List.of("updater.key", "updater.pub"), List.copyOf(before.keySet()));
    }

    @Test
    void publish_withTheKeyReachedThroughASymlinkIntoTheChannel_isRefused() throws Exception {
        Path ch = dir.resolve("ch");
        assertEquals(0, CliRun.run("keygen", "--out", ch.toString()).exitCode());
        Path link = Files.createSymbolicLink(dir.resolve("secrets"), ch);

        CliRun run = CliRun.run("publish", "--version", "1.0.0", "--artifact", "any=" + jar,
                "--key", link.resolve("updater.key").toString(), "--out", ch.toString());

        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.err().startsWith("Nothing was published: the signing key " + link.resolve("updater.key")
                + " lies inside the channel directory " + ch + ", "), run.err());
        assertFalse(Files.exists(ch.resolve("manifest.json")));
    }

    @Test
    void publish_intoAChannelHoldingOtherPrivateKeys_isRefused_namingEach() throws Exception {
        assertEquals(0, publish("--version", "1.0.0", "--artifact", "any=" + jar).exitCode());
        Files.createDirectories(channel.resolve("backup"));
        Files.writeString(channel.resolve("backup/old.key"), "anything");
        Files.createDirectories(channel.resolve("notes"));
        Files.writeString(channel.resolve("notes/signing.pem"), "Key for CI\n"
                + Ed25519Keys.toPem(Ed25519Keys.generate().getPrivate()));
        Files.writeString(channel.resolve("id_ed25519"), "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEA\n"
                + "-----END OPENSSH PRIVATE KEY-----\n");
        Files.copy(keys.resolve("updater.pub"), channel.resolve("updater.pub")); // a public key may be served
        Map<String, String> before = snapshot(channel);

        CliRun run = publish("--version", "1.1.0", "--artifact", "any=" + jar);

        assertEquals(1, run.exitCode(), run.toString());
        assertEquals("Nothing was published: the channel directory " + channel + " holds private key files, which a"
                + " web server hands to anyone: backup/old.key (its name ends in .key), id_ed25519 (it holds a PEM"
                + " private key (-----BEGIN OPENSSH PRIVATE KEY-----)), notes/signing.pem (it holds a PEM private"
                + " key (-----BEGIN PRIVATE KEY-----)). Move them out of " + channel + ".\n", run.err());
        assertEquals(before, snapshot(channel));
    }

    @Test
    void resign_renewsOnlyTheExpiry_keepingEveryOtherByte_andTheArtifacts() throws Exception {
        assertEquals(0, publish("--version", "1.0.0", "--artifact", "any=" + jar, "--feature", "Dark mode",
                "--min-version", "0.9.0", "--release-date", "2026-02-07T12:00:00Z", "--expires-in", "3650d",
                "--rollout", "25", "--breaking").exitCode());
        String published = Files.readString(channel.resolve("manifest.json"));
        byte[] artifact = Files.readAllBytes(channel.resolve("1.0.0/any/app.jar"));
        // publish --resign reads the system clock (the CLI takes no Clock): its expiry is bracketed by real time.
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS);

        CliRun run = resign("--expires-in", "7d");

        Instant end = Instant.now();
        assertEquals(0, run.exitCode(), run.toString());
        Manifest m = ManifestParser.parse(Files.readAllBytes(channel.resolve("manifest.json")), "test");
        assertFalse(m.expires().isBefore(start.plus(Duration.ofDays(7))), m.expires().toString());
        assertFalse(m.expires().isAfter(end.plus(Duration.ofDays(7))), m.expires().toString());
        assertEquals(published.replace("\"expires\" : \"2036-02-05T12:00:00Z\"", "\"expires\" : \"" + m.expires() + "\""),
                Files.readString(channel.resolve("manifest.json")), "only the expires line changed");
        assertArrayEquals(artifact, Files.readAllBytes(channel.resolve("1.0.0/any/app.jar")));
        String keyText = Files.readString(keys.resolve("updater.pub"));
        String id = dev.updater.core.signature.TrustedKey.of(Ed25519Keys.parsePublicKey(keyText)).id();
        assertEquals("Re-signed 1.0.0 in " + channel + "; only its expiry changed\n"
                + "  expires       " + m.expires() + " (was 2036-02-05T12:00:00Z; re-sign again before then, or hosts"
                + " refuse the channel)\n"
                + "Signed by key " + id + " ("
                + dev.updater.core.signature.TrustedKey.of(Ed25519Keys.parsePublicKey(keyText)).text() + ")\n"
                + "Wrote " + channel.resolve("manifest.json") + ", " + channel.resolve("manifest.json.sig") + " and "
                + channel.resolve("manifest.signed") + "\n",
                run.out());
        assertEquals("", run.err());

        CliRun verify = CliRun.run("verify", "--manifest", channel.toString(), "--key-file",
                keys.resolve("updater.pub").toString(), "--artifacts");
        assertEquals(0, verify.exitCode(), verify.toString());
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            assertEquals("rw-r--r--", mode(channel.resolve("manifest.json")));
            assertEquals("rw-r--r--", mode(channel.resolve("manifest.json.sig")));
        }
    }

    @Test
    void anExpiredChannel_isReportedByVerify_andRenewedByResign() throws Exception {
        new Publisher(Clock.fixed(Instant.parse("2026-02-07T12:00:00Z"), ZoneOffset.UTC)).publish(new PublishRequest(
                dev.updater.core.version.ReleaseVersion.parse("1.0.0"), Map.of("any", jar),
                keys.resolve(KeyFiles.PRIVATE_FILE), channel, null, List.of(), List.of(), null, false, null,
                Duration.ofDays(30), null, false));
        CliRun expired = CliRun.run("verify", "--manifest", channel.toString(), "--key-file",
                keys.resolve("updater.pub").toString());
        assertEquals(1, expired.exitCode(), expired.toString());
        assertTrue(expired.err().startsWith("PROBLEM  Manifest " + channel.resolve("manifest.json") + " expired at"
                + " 2026-03-09T12:00:00Z; hosts refuse it."), expired.err());

        assertEquals(0, resign().exitCode());

        CliRun renewed = CliRun.run("verify", "--manifest", channel.toString(), "--key-file",
                keys.resolve("updater.pub").toString(), "--artifacts");
        assertEquals(0, renewed.exitCode(), renewed.toString());
    }

    @Test
    void resign_ofAManifestChangedAfterSigning_isRefused_andChangesNothing() throws Exception {
        assertEquals(0, publish("--version", "1.0.0", "--artifact", "any=" + jar).exitCode());
        Path manifest = channel.resolve("manifest.json");
        // someone with write access to the web server, but not the key, points hosts at other bytes
        Files.writeString(manifest, Files.readString(manifest).replace(Sha256.ofFile(jar).hex(), "b".repeat(64)));
        Map<String, String> before = snapshot(channel);

        CliRun run = resign();

        assertEquals(1, run.exitCode(), run.toString());
        assertEquals("Nothing was re-signed: " + manifest + " does not carry a valid signature by key " + keyId(keys)
                + " (the public half of " + keys.resolve("updater.key") + "): it was changed after signing, or"
                + " signed with another key. Re-sign only what this key signed: check the channel, then publish the"
                + " release again.\n", run.err());
        assertEquals(before, snapshot(channel));
    }

    @Test
    void resign_withAnotherKeyThanTheOneThatSigned_isRefused_andChangesNothing() throws Exception {
        assertEquals(0, publish("--version", "1.0.0", "--artifact", "any=" + jar).exitCode());
        Path other = dir.resolve("other");
        assertEquals(0, CliRun.run("keygen", "--out", other.toString()).exitCode());
        Map<String, String> before = snapshot(channel);

        CliRun run = CliRun.run("publish", "--resign", "--key", other.resolve("updater.key").toString(),
                "--out", channel.toString());

        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.err().startsWith("Nothing was re-signed: " + channel.resolve("manifest.json") + " does not"
                + " carry a valid signature by key " + keyId(other) + " (the public half of "), run.err());
        assertEquals(before, snapshot(channel));
    }

    @Test
    void resign_ofAChannelWithoutManifest_saysToPublishFirst() {
        CliRun run = resign();

        assertEquals(1, run.exitCode(), run.toString());
        assertEquals("Nothing was re-signed: there is no " + channel.resolve("manifest.json") + "; publish a release"
                + " first with 'updater-sidecar publish --version V --artifact KEY=PATH'.\n", run.err());
    }

    @Test
    void resign_withAZeroExpiry_isRefused() throws Exception {
        assertEquals(0, publish("--version", "1.0.0", "--artifact", "any=" + jar).exitCode());
        Map<String, String> before = snapshot(channel);

        CliRun run = resign("--expires-in", "0d");

        assertEquals(1, run.exitCode(), run.toString());
        assertEquals("Nothing was re-signed: --expires-in must be longer than zero.\n", run.err());
        assertEquals(before, snapshot(channel));
    }

    @Test
    void resign_withTheKeyInsideTheChannel_isRefused() throws Exception {
        assertEquals(0, publish("--version", "1.0.0", "--artifact", "any=" + jar).exitCode());
        Path copied = Files.copy(keys.resolve("updater.key"), channel.resolve("updater.key"));
        byte[] manifest = Files.readAllBytes(channel.resolve("manifest.json"));

        CliRun run = CliRun.run("publish", "--resign", "--key", copied.toString(), "--out", channel.toString());

        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.err().startsWith("Nothing was re-signed: the signing key " + copied + " lies inside the"
                + " channel directory " + channel + ", "), run.err());
        assertArrayEquals(manifest, Files.readAllBytes(channel.resolve("manifest.json")));
    }

    @Test
    void resign_withOptionsThatShapeARelease_isAUsageError() throws Exception {
        assertUsage(resign("--version", "1.0.0", "--artifact", "any=" + jar),
                "--resign renews only the expiry of the release in --out; it cannot be combined with --version,"
                        + " --artifact. Drop them, or publish a new release without --resign.");
        assertUsage(resign("--no-expiry"), "--resign renews only the expiry of the release in --out; it cannot be"
                + " combined with --no-expiry. Drop it, or publish a new release without --resign.");
    }

    private CliRun resign(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "--resign";
        System.arraycopy(args, 0, all, 1, args.length);
        return publish(all);
    }

    private static String keyId(Path keyDir) throws Exception {
        return dev.updater.core.signature.TrustedKey.of(Ed25519Keys.parsePublicKey(
                Files.readString(keyDir.resolve("updater.pub")))).id();
    }

    private static String mode(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    /** Every file below {@code root} (relative path, sorted) and the SHA-256 of its bytes. */
    private static Map<String, String> snapshot(Path root) throws Exception {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                files.put(root.relativize(file).toString(), Sha256.ofFile(file).hex());
            }
        }
        return files;
    }

    private CliRun publish(String... args) {
        String[] all = new String[args.length + 5];
        all[0] = "publish";
        System.arraycopy(args, 0, all, 1, args.length);
        all[args.length + 1] = "--key";
        all[args.length + 2] = keys.resolve("updater.key").toString();
        all[args.length + 3] = "--out";
        all[args.length + 4] = channel.toString();
        return CliRun.run(all);
    }

    private static void assertUsage(CliRun run, String firstLine) {
        assertEquals(2, run.exitCode(), run.toString());
        assertEquals(firstLine, run.err().lines().findFirst().orElse(""), run.toString());
        assertTrue(run.err().endsWith("Run 'updater-sidecar publish --help' for more information.\n"), run.err());
    }
}
