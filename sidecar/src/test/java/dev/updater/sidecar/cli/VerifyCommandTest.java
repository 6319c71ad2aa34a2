package dev.updater.sidecar.cli;

import dev.updater.core.Sha256;
import dev.updater.core.UpdaterException;
import dev.updater.core.signature.Ed25519Keys;
import dev.updater.core.download.ManifestFetcher;
import dev.updater.core.manifest.ManifestParser;
import dev.updater.core.signature.ManifestSignatures;
import dev.updater.core.signature.SignedManifest;
import dev.updater.core.testing.ChildProcess;
import dev.updater.core.text.HumanUnits;
import dev.updater.sidecar.channel.KeyFiles;
import dev.updater.sidecar.serve.ReleaseServer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VerifyCommandTest {
    @TempDir
    Path dir;

    /** Long enough for any verify; a FIFO that is opened would block it for ever. */
    private static final Duration NEVER_BLOCKS = Duration.ofSeconds(30);
    private static final byte[] SECRET = "the operator's secret, outside the channel".getBytes(StandardCharsets.UTF_8);

    private Path channel;
    private Path manifest;
    private String pub;
    private Path privateKey;

    @BeforeEach
    void publishedChannel() throws Exception {
        Path keys = dir.resolve("keys");
        channel = dir.resolve("channel");
        manifest = channel.resolve("manifest.json");
        assertEquals(0, CliRun.run("keygen", "--out", keys.toString()).exitCode());
        pub = keys.resolve("updater.pub").toString();
        privateKey = keys.resolve("updater.key");
        Path jar = Files.write(dir.resolve("app.jar"), new byte[64 * 1024]);
        CliRun run = CliRun.run("publish", "--version", "1.2.0", "--artifact", "any=" + jar, "--key",
                keys.resolve("updater.key").toString(), "--out", channel.toString());
        assertEquals(0, run.exitCode(), run.toString());
    }

    @Test
    void verify_acceptsTheKeyAsItsOneLineForm() throws Exception {
        String text = dev.updater.core.signature.Ed25519Keys.toText(
                dev.updater.core.signature.Ed25519Keys.parsePublicKey(Files.readString(Path.of(pub))));
        CliRun run = CliRun.run("verify", "--manifest", manifest.toString(), "--key", text);
        assertEquals(0, run.exitCode(), run.toString());
    }

    @Test
    void oneFlippedByteInTheManifest_failsVerification_withTheReason() throws Exception {
        byte[] bytes = Files.readAllBytes(manifest);
        int at = new String(bytes, StandardCharsets.UTF_8).indexOf("1.2.0");
        bytes[at + 2] = '3'; // 1.2.0 -> 1.3.0
        Files.write(manifest, bytes);

        CliRun run = CliRun.run("verify", "--manifest", manifest.toString(), "--key-file", pub);

        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.err().startsWith("PROBLEM  The signature of manifest " + manifest + " does not match any"
                + " trusted key ("), run.err());
        assertTrue(run.err().endsWith("Not verified: 1 problem(s) in " + manifest + ".\n"), run.err());
    }

    @Test
    void aChannelDirectory_checksManifestSigned_besideManifestJson() throws Exception {
        CliRun run = CliRun.run("verify", "--manifest", channel.toString(), "--key-file", pub);

        assertEquals(0, run.exitCode(), run.toString());
        String id = KeyFiles.readPublicKey(Path.of(pub)).id();
        assertTrue(run.out().startsWith("ok       signature: valid, by key " + id + "\n"
                + "ok       manifest.signed: the same manifest, signature valid, by key " + id + "\n"
                + "ok       manifest: version 1.2.0, 1 artifact(s)\n"), run.out());
    }

    @Test
    void aHalfFinishedPublish_manifestSignedStillCarryingTheOldRelease_failsNamingBothFiles_fromEitherFile()
            throws Exception {
        Path signed = channel.resolve(SignedManifest.FILE_NAME);
        byte[] oldManifest = Files.readAllBytes(manifest);
        byte[] newManifest = publishBesideTheOldManifestSigned(); // the publish stopped before its last rename
        Map<String, Sha256> before = channelFiles();

        CliRun fromDirectory = CliRun.run("verify", "--manifest", channel.toString(), "--key-file", pub);
        CliRun fromSigned = CliRun.run("verify", "--manifest", signed.toString(), "--key-file", pub);

        assertEquals(1, fromDirectory.exitCode(), fromDirectory.toString());
        assertEquals(twoCopies(manifest, newManifest, signed, oldManifest), fromDirectory.err());
        assertEquals(1, fromSigned.exitCode(), fromSigned.toString());
        assertEquals(twoCopies(signed, oldManifest, manifest, newManifest), fromSigned.err());
        assertEquals(before, channelFiles(), "verify changes nothing in the channel");
    }

    @Test
    void manifestSigned_carryingTheSameManifestWithABrokenSignature_failsNamingIt() throws Exception {
        Path signed = channel.resolve(SignedManifest.FILE_NAME);
        SignedManifest.Parts parts = SignedManifest.read(Files.readAllBytes(signed), signed.toString());
        byte[] raw = Base64.getDecoder().decode(new String(parts.signatureFile(), StandardCharsets.US_ASCII).strip());
        raw[0] ^= 1;
        Files.write(signed, SignedManifest.write(parts.manifest(), Base64.getEncoder().encode(raw)));

        CliRun run = CliRun.run("verify", "--manifest", channel.toString(), "--key-file", pub);

        assertEquals(1, run.exitCode(), run.toString());
        assertEquals("PROBLEM  The signature of manifest " + signed + " does not match any trusted key ("
                + KeyFiles.readPublicKey(Path.of(pub)).id() + "): the manifest was changed after signing or signed by"
                + " a key this host does not trust. Nothing was installed.\n"
                + "Not verified: 1 problem(s) in " + manifest + ".\n", run.err());
    }

    @Test
    void manifestSigned_readsAsMuchAsAnAgent_theManifestLimitPlusItsHeader() throws Exception {
        String json = "{\"version\": \"1.2.0\", \"binaries\": {\"any\": {\"url\": \"1.2.0/any/app.jar\", \"sha256\": \""
                + Sha256.ofBytes(new byte[64 * 1024]).hex() + "\", \"size\": 65536}}}";
        writeSigned(json + " ".repeat(ManifestParser.MAX_BYTES - json.length())); // a manifest of exactly 1 MiB
        Path signed = channel.resolve(SignedManifest.FILE_NAME);
        assertTrue(Files.size(signed) > ManifestParser.MAX_BYTES && Files.size(signed) <= ManifestFetcher.MAX_SIGNED_MANIFEST_BYTES);

        CliRun read = CliRun.run("verify", "--manifest", signed.toString(), "--key-file", pub);
        Files.write(signed, new byte[ManifestFetcher.MAX_SIGNED_MANIFEST_BYTES + 1]);
        CliRun tooLong = CliRun.run("verify", "--manifest", signed.toString(), "--key-file", pub);

        assertEquals(0, read.exitCode(), read.toString());
        assertEquals(1, tooLong.exitCode(), tooLong.toString());
        assertEquals("PROBLEM  The signed manifest " + signed + " is over " + ManifestFetcher.MAX_SIGNED_MANIFEST_BYTES
                + " bytes; it is refused unread.\n"
                + "Not verified: 1 problem(s) in " + signed + ".\n", tooLong.err());
    }

    @Test
    void oneFlippedByteInTheSignature_failsVerification() throws Exception {
        Path sigFile = channel.resolve("manifest.json.sig");
        byte[] raw = Base64.getDecoder().decode(Files.readString(sigFile).strip());
        raw[0] ^= 1;
        Files.writeString(sigFile, Base64.getEncoder().encodeToString(raw) + "\n");

        CliRun run = CliRun.run("verify", "--manifest", manifest.toString(), "--key-file", pub);

        assertEquals(1, run.exitCode());
        assertTrue(run.err().contains("does not match any trusted key"), run.err());
    }

    @Test
    void oneFlippedByteInTheArtifact_failsOnlyWithArtifacts_namingTheHashes() throws Exception {
        Path jar = channel.resolve("1.2.0/any/app.jar");
        byte[] bytes = Files.readAllBytes(jar);
        bytes[100] ^= 1;
        Files.write(jar, bytes);

        assertEquals(0, CliRun.run("verify", "--manifest", manifest.toString(), "--key-file", pub).exitCode());
        CliRun run = CliRun.run("verify", "--manifest", manifest.toString(), "--key-file", pub, "--artifacts");

        assertEquals(1, run.exitCode());
        assertTrue(run.err().startsWith("PROBLEM  Artifact any (" + jar + ") has SHA-256 "), run.err());
        assertTrue(run.err().contains(", but the manifest says "), run.err());
    }

    @Test
    void badSignature_withArtifacts_endsVerification_beforeAnyArtifactIsRead() throws Exception {
        Path secret = Files.write(dir.resolve("secret.bin"), SECRET);
        Path fifo = fifo(channel.resolve("pipe.jar"));
        Map<String, String> urls = new LinkedHashMap<>();
        urls.put("any", "../secret.bin"); // would print the secret's hash
        urls.put("linux-x64", "pipe.jar"); // would block for ever
        byte[] json = manifestJson(urls, SECRET.length, Sha256.ofBytes(SECRET)).getBytes(StandardCharsets.UTF_8);
        Files.write(manifest, json);
        Files.write(channel.resolve("manifest.json.sig"), ManifestSignatures.sign(json, Ed25519Keys.generate().getPrivate()));

        CliRun run = assertTimeoutPreemptively(NEVER_BLOCKS,
                () -> CliRun.run("verify", "--manifest", manifest.toString(), "--key-file", pub, "--artifacts"));

        assertEquals(1, run.exitCode(), run.toString());
        assertEquals("", run.out(), "nothing of an unverified manifest is shown");
        assertEquals("PROBLEM  The signature of manifest " + manifest + " does not match any trusted key ("
                + KeyFiles.readPublicKey(Path.of(pub)).id() + "): the manifest was changed after signing or signed by"
                + " a key this host does not trust. Nothing was installed. Nothing else in it was checked: a manifest"
                + " is read only once its signature holds.\n"
                + "Not verified: 1 problem(s) in " + manifest + ".\n", run.err());
        assertFalse(run.toString().contains(Sha256.ofFile(secret).hex()));
        assertTrue(Files.exists(fifo));
    }

    @Test
    void signedManifest_whoseUrlsLeaveTheChannelFolder_isRefused_andTheFileIsNotRead() throws Exception {
        Path secret = Files.write(dir.resolve("secret.bin"), SECRET);
        Map<String, String> urls = new LinkedHashMap<>();
        urls.put("any", "../secret.bin");
        urls.put("linux-x64", "%2E%2E/secret.bin");
        urls.put("linux-arm64", secret.toString()); // an absolute path is a relative reference to file:/
        // The manifest states the secret's true size and hash: reading it would print "sha256 matches".
        writeSigned(manifestJson(urls, SECRET.length, Sha256.ofBytes(SECRET)));

        CliRun run = CliRun.run("verify", "--manifest", manifest.toString(), "--key-file", pub, "--artifacts");

        assertEquals(1, run.exitCode(), run.toString());
        String id = KeyFiles.readPublicKey(Path.of(pub)).id();
        assertEquals("ok       signature: valid, by key " + id + "\n"
                + "ok       manifest.signed: the same manifest, signature valid, by key " + id + "\n"
                + "ok       manifest: version 1.2.0, 3 artifact(s)\n", run.out());
        String refused = ", outside the channel folder " + channel + "; it is refused unread. Artifacts of a channel"
                + " sit inside its folder, as 'updater-sidecar publish' writes them.\n";
        assertEquals("PROBLEM  Artifact any: its url \"../secret.bin\" leads to " + secret + refused
                + "PROBLEM  Artifact linux-arm64: its url \"" + secret + "\" leads to " + secret + refused
                + "PROBLEM  Artifact linux-x64: its url \"%2E%2E/secret.bin\" leads to " + secret + refused
                + "Not verified: 3 problem(s) in " + manifest + ".\n", run.err());
    }

    @Test
    void anArtifactThatIsAFifoOrADirectory_isRefusedAtOnce() throws Exception {
        Path fifo = fifo(channel.resolve("1.2.0/any/pipe.jar"));
        Map<String, String> urls = new LinkedHashMap<>();
        urls.put("any", "1.2.0/any/pipe.jar");
        urls.put("linux-x64", "1.2.0/any");
        writeSigned(manifestJson(urls, 100, Sha256.ofBytes(new byte[100])));

        CliRun run = assertTimeoutPreemptively(NEVER_BLOCKS,
                () -> CliRun.run("verify", "--manifest", manifest.toString(), "--key-file", pub, "--artifacts"));

        assertEquals(1, run.exitCode(), run.toString());
        assertEquals("PROBLEM  Artifact any: " + fifo + " is a FIFO, socket or device, not a regular file; it is refused"
                + " unread.\n"
                + "PROBLEM  Artifact linux-x64: " + channel.resolve("1.2.0/any") + " is a directory, not a regular file;"
                + " it is refused unread.\n"
                + "Not verified: 2 problem(s) in " + manifest + ".\n", run.err());
    }

    @Test
    void aSignatureFileThatIsAFifo_isRefusedAtOnce() throws Exception {
        Path sig = channel.resolve("manifest.json.sig");
        Files.delete(sig);
        fifo(sig);

        CliRun run = assertTimeoutPreemptively(NEVER_BLOCKS,
                () -> CliRun.run("verify", "--manifest", manifest.toString(), "--key-file", pub));

        assertEquals(1, run.exitCode(), run.toString());
        assertEquals("PROBLEM  The signature " + sig + " is a FIFO, socket or device, not a regular file; it is refused"
                + " unread. Nothing else in it was checked: a manifest is read only once its signature holds.\n"
                + "Not verified: 1 problem(s) in " + manifest + ".\n", run.err());
    }

    @Test
    void aSymlinkLeavingTheChannelFolder_isRefused_whileOneInsideIsFollowed() throws Exception {
        Path secret = Files.write(dir.resolve("secret.bin"), SECRET);
        Path escape = Files.createSymbolicLink(channel.resolve("1.2.0/any/escape.jar"), secret);
        Files.createSymbolicLink(channel.resolve("inside.jar"), Path.of("1.2.0/any/app.jar"));
        Map<String, String> urls = new LinkedHashMap<>();
        urls.put("any", "1.2.0/any/escape.jar");
        urls.put("linux-x64", "inside.jar");
        Map<String, Artifact> artifacts = new LinkedHashMap<>();
        artifacts.put("any", new Artifact(SECRET.length, Sha256.ofBytes(SECRET)));
        artifacts.put("linux-x64", new Artifact(64 * 1024, Sha256.ofBytes(new byte[64 * 1024])));
        writeSigned(manifestJson(urls, artifacts));

        CliRun run = CliRun.run("verify", "--manifest", manifest.toString(), "--key-file", pub, "--artifacts");

        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.out().endsWith("ok       artifact linux-x64: 65536 bytes, sha256 matches\n"), run.out());
        assertEquals("PROBLEM  Artifact any: " + escape + " leads through a symbolic link to " + secret.toRealPath()
                + ", outside the channel folder " + channel.toRealPath() + "; it is refused unread. Put the artifact"
                + " itself in the channel folder.\n"
                + "Not verified: 1 problem(s) in " + manifest + ".\n", run.err());
    }

    @Test
    void problemsQuotingTheManifest_areShownWithTheirControlsEscaped() throws Exception {
        writeSigned(manifestJson(Map.of("any", "1.2.0/any/app.jar"), 64 * 1024, Sha256.ofBytes(new byte[64 * 1024]))
                .replace("\"1.2.0\"", "\"1.2.0\\u001b[1A\\u001b[2K\\u202e\""));

        CliRun run = CliRun.run("verify", "--manifest", manifest.toString(), "--key-file", pub);

        assertEquals(1, run.exitCode(), run.toString());
        assertEquals("PROBLEM  Manifest " + manifest + " is invalid: $.version must be a semantic version such as 1.3.0,"
                + " got \"1.2.0\\e[1A\\e[2K\\u202e\".\n"
                + "Not verified: 1 problem(s) in " + manifest + ".\n", run.err());
        assertFalse(run.toString().contains("\u001b"), run.toString());
    }

    @Test
    void missingSignature_isAProblem() throws Exception {
        Files.delete(channel.resolve("manifest.json.sig"));
        CliRun run = CliRun.run("verify", "--manifest", manifest.toString(), "--key-file", pub);
        assertEquals(1, run.exitCode());
        assertTrue(run.err().startsWith("PROBLEM  Manifest " + manifest + " has no signature"), run.err());
    }

    @Test
    void missingManifest_failsWithOneSentence() {
        CliRun run = CliRun.run("verify", "--manifest", dir.resolve("nowhere").toString(), "--key-file", pub);
        assertEquals(1, run.exitCode());
        assertEquals("PROBLEM  The manifest " + dir.resolve("nowhere") + " does not exist.\n"
                + "Not verified: 1 problem(s) in " + dir.resolve("nowhere") + ".\n", run.err());
    }

    @Test
    void verify_withoutAnyKey_isAUsageError() {
        CliRun run = CliRun.run("verify", "--manifest", manifest.toString());
        assertEquals(2, run.exitCode());
        assertTrue(run.err().startsWith("Missing trusted key: give --key ed25519:... or --key-file updater.pub\n"),
                run.err());
    }

    @Test
    void verify_readsAChannelOverHttp_likeAHostWould() throws Exception {
        try (ReleaseServer server = ReleaseServer.start(channel,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), line -> { })) {
            String url = server.uri().resolve("manifest.json").toString();
            CliRun ok = CliRun.run("verify", "--manifest", url, "--key-file", pub, "--artifacts");
            assertEquals(0, ok.exitCode(), ok.toString());
            assertTrue(ok.out().contains("ok       artifact any: 65536 bytes, sha256 matches\n"), ok.out());

            Files.write(channel.resolve("1.2.0/any/app.jar"), new byte[100]);
            CliRun bad = CliRun.run("verify", "--manifest", url, "--key-file", pub, "--artifacts");
            assertEquals(1, bad.exitCode(), bad.toString());
            assertTrue(bad.err().startsWith("PROBLEM  Artifact any: "), bad.err());
        }
    }

    @Test
    void overHttp_eitherUrl_checksTheOtherCopyFromTheSameFolder() throws Exception {
        try (ReleaseServer server = serve()) {
            String json = server.uri().resolve("manifest.json").toString();
            String signed = server.uri().resolve(SignedManifest.FILE_NAME).toString();

            CliRun fromJson = CliRun.run("verify", "--manifest", json, "--key-file", pub);
            CliRun fromSigned = CliRun.run("verify", "--manifest", signed, "--key-file", pub);

            String id = KeyFiles.readPublicKey(Path.of(pub)).id();
            assertEquals(0, fromJson.exitCode(), fromJson.toString());
            assertTrue(fromJson.out().startsWith("ok       signature: valid, by key " + id + "\n"
                    + "ok       manifest.signed: the same manifest, signature valid, by key " + id + "\n"
                    + "ok       manifest: version 1.2.0, 1 artifact(s)\n"), fromJson.out());
            assertEquals(0, fromSigned.exitCode(), fromSigned.toString());
            assertTrue(fromSigned.out().startsWith("ok       signature: valid, by key " + id + "\n"
                    + "ok       manifest.json: the same manifest, signature valid, by key " + id + "\n"
                    + "ok       manifest: version 1.2.0, 1 artifact(s)\n"), fromSigned.out());
        }
    }

    @Test
    void overHttp_aHalfFinishedUpload_manifestSignedStillCarryingTheOldRelease_failsNamingBothUrls() throws Exception {
        byte[] oldManifest = Files.readAllBytes(manifest);
        byte[] newManifest = publishBesideTheOldManifestSigned(); // the upload of manifest.signed has not happened yet
        Map<String, Sha256> before = channelFiles();

        try (ReleaseServer server = serve()) {
            String json = server.uri().resolve("manifest.json").toString();
            String signed = server.uri().resolve(SignedManifest.FILE_NAME).toString();

            CliRun fromJson = CliRun.run("verify", "--manifest", json, "--key-file", pub);
            CliRun fromSigned = CliRun.run("verify", "--manifest", signed, "--key-file", pub);

            assertEquals(1, fromJson.exitCode(), fromJson.toString());
            assertEquals(twoCopies(json, newManifest, signed, oldManifest), fromJson.err());
            assertEquals(1, fromSigned.exitCode(), fromSigned.toString());
            assertEquals(twoCopies(signed, oldManifest, json, newManifest), fromSigned.err());
        }
        assertEquals(before, channelFiles(), "verify changes nothing in the channel");
    }

    @Test
    void overHttp_aChannelWithoutManifestSigned_isNotedInOneLine_andVerifies() throws Exception {
        Files.delete(channel.resolve(SignedManifest.FILE_NAME)); // published before manifest.signed existed
        try (ReleaseServer server = serve()) {
            String json = server.uri().resolve("manifest.json").toString();
            String signed = server.uri().resolve(SignedManifest.FILE_NAME).toString();

            CliRun run = CliRun.run("verify", "--manifest", json, "--key-file", pub);

            assertEquals(0, run.exitCode(), run.toString());
            assertEquals("", run.err());
            List<String> notes = run.out().lines().filter(line -> !line.startsWith("ok       ")).toList();
            assertEquals(List.of("note     manifest.signed: not published (HTTP 404 for " + signed + "), so there is"
                    + " no other copy to compare; agents in channel= mode cannot read this channel: 'updater-sidecar"
                    + " publish --resign' writes it.", "Verified " + json + ": release 1.2.0."), notes);
        }
    }

    @Test
    void overHttp_aManifestSignedOverTheAgentsLimit_isAProblem() throws Exception {
        Path signedFile = channel.resolve(SignedManifest.FILE_NAME);
        Files.write(signedFile, new byte[ManifestFetcher.MAX_SIGNED_MANIFEST_BYTES + 1]);
        try (ReleaseServer server = serve()) {
            String json = server.uri().resolve("manifest.json").toString();
            String signed = server.uri().resolve(SignedManifest.FILE_NAME).toString();

            CliRun run = CliRun.run("verify", "--manifest", json, "--key-file", pub);

            assertEquals(1, run.exitCode(), run.toString());
            assertEquals("PROBLEM  The manifest at " + signed + " is "
                    + HumanUnits.bytes(ManifestFetcher.MAX_SIGNED_MANIFEST_BYTES + 1) + " (Content-Length), over the"
                    + " limit of " + HumanUnits.bytes(ManifestFetcher.MAX_SIGNED_MANIFEST_BYTES) + "; check that the URL"
                    + " points to a manifest.\n"
                    + "Not verified: 1 problem(s) in " + json + ".\n", run.err());
        }
    }

    private ReleaseServer serve() throws UpdaterException {
        return ReleaseServer.start(channel, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), line -> { });
    }

    private record Artifact(long size, Sha256 sha256) {
    }

    private static String manifestJson(Map<String, String> urls, long size, Sha256 sha256) {
        Map<String, Artifact> artifacts = new LinkedHashMap<>();
        urls.keySet().forEach(key -> artifacts.put(key, new Artifact(size, sha256)));
        return manifestJson(urls, artifacts);
    }

    /** A manifest of release 1.2.0 with these artifact urls, as a hostile publisher could sign it. */
    private static String manifestJson(Map<String, String> urls, Map<String, Artifact> artifacts) {
        StringBuilder json = new StringBuilder("{\"version\": \"1.2.0\", \"binaries\": {");
        String separator = "";
        for (Map.Entry<String, String> url : urls.entrySet()) {
            Artifact artifact = artifacts.get(url.getKey());
            json.append(separator).append('"').append(url.getKey()).append("\": {\"url\": \"").append(url.getValue())
                    .append("\", \"sha256\": \"").append(artifact.sha256().hex()).append("\", \"size\": ")
                    .append(artifact.size()).append('}');
            separator = ", ";
        }
        return json.append("}}").toString();
    }

    /** Writes the manifest and signs it with the channel's own key, all three files as publish does: the signature holds. */
    private void writeSigned(String json) throws Exception {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        byte[] signature = ManifestSignatures.sign(bytes, KeyFiles.readPrivateKey(privateKey));
        Files.write(manifest, bytes);
        Files.write(channel.resolve("manifest.json.sig"), signature);
        Files.write(channel.resolve(SignedManifest.FILE_NAME), SignedManifest.write(bytes, signature));
    }

    /** Every file of the channel folder and its SHA-256, to show that verify changed nothing. */
    private Map<String, Sha256> channelFiles() throws IOException {
        Map<String, Sha256> files = new TreeMap<>();
        try (Stream<Path> all = Files.walk(channel)) {
            for (Path file : all.filter(Files::isRegularFile).toList()) {
                files.put(channel.relativize(file).toString(), Sha256.ofFile(file));
            }
        }
        return files;
    }

    private static Path fifo(Path path) throws InterruptedException {
        try {
            ChildProcess.Finished mkfifo = ChildProcess.run(List.of("mkfifo", path.toString()), Duration.ofSeconds(10));
            Assumptions.assumeTrue(mkfifo.exitCode() == 0, "mkfifo failed: " + mkfifo);
        } catch (IOException e) {
            Assumptions.abort("no mkfifo on this system (" + e.getMessage() + ")");
        }
        return path;
    }

    /** Publishes 1.3.0 into the channel, then puts 1.2.0's manifest.signed back; returns 1.3.0's manifest.json. */
    private byte[] publishBesideTheOldManifestSigned() throws Exception {
        Path signed = channel.resolve(SignedManifest.FILE_NAME);
        byte[] oldSigned = Files.readAllBytes(signed);
        Path jar = Files.write(dir.resolve("app.jar"), new byte[32 * 1024]);
        CliRun publish = CliRun.run("publish", "--version", "1.3.0", "--artifact", "any=" + jar, "--key",
                privateKey.toString(), "--out", channel.toString());
        assertEquals(0, publish.exitCode(), publish.toString());
        Files.write(signed, oldSigned);
        return Files.readAllBytes(manifest);
    }

    /** What verify says of {@code checked} (holding {@code ownBytes}) when {@code other} holds {@code otherBytes}. */
    private static String twoCopies(Object checked, byte[] ownBytes, Object other, byte[] otherBytes) {
        return "PROBLEM  " + checked + " and " + other + " hold different manifests (" + ownBytes.length
                + " bytes with SHA-256 " + Sha256.ofBytes(ownBytes) + ", and " + otherBytes.length + " bytes with SHA-256 "
                + Sha256.ofBytes(otherBytes) + "): agents in channel= mode read manifest.signed, the others manifest.json"
                + " and its .sig, so they would be offered different releases. A publish stopped half-way or a file was"
                + " edited by hand: publish the release again, or, if manifest.json is the one you mean, run"
                + " 'updater-sidecar publish --resign', which writes the other two from it.\nNot verified: 1 problem(s) in "
                + checked + ".\n";
    }
}
