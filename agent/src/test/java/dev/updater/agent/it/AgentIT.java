package dev.updater.agent.it;

import dev.updater.core.Sha256;
import dev.updater.core.home.AgentRecord;
import dev.updater.core.home.HomeFiles;
import dev.updater.core.home.ChannelSettings;
import dev.updater.core.home.StagedRelease;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.testing.OtherUser;
import dev.updater.core.testing.PosixModes;
import dev.updater.core.testing.TestChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The built agent jar in real child JVMs, against a signed channel on 127.0.0.1. */
class AgentIT {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private TestChannel channel;
    private Path appDir;
    private Path hostJar;
    private UpdateHome home;
    private final List<HostJvm> hosts = new ArrayList<>();

    @BeforeEach
    void channelAndApp() throws Exception {
        channel = TestChannel.start(dir.resolve("channel"));
        appDir = dir.resolve("app");
        hostJar = HostJvm.hostJar(appDir, "1.0.0");
        home = new UpdateHome(appDir.resolve(".updater"));
    }

    @AfterEach
    void stopAll() throws Exception {
        for (HostJvm host : hosts) {
            host.close();
        }
        channel.close();
    }

    static Stream<String> javas() {
        List<String> javas = new ArrayList<>(List.of(HostJvm.JAVA_17));
        if (Files.isExecutable(HostJvm.JAVA_25)) {
            javas.add(HostJvm.JAVA_25.toString());
        }
        return javas.stream();
    }

    @ParameterizedTest
    @MethodSource("javas")
    void releasePublishedWhileTheHostRuns_isStaged_byteForByte(String java) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of(java)), "no JVM at " + java);
        HostJvm host = start(java, List.of(), agentArgs(), "listen");
        await().atMost(WAIT).until(() -> host.out().contains("host started 1.0.0"));
        await().atMost(WAIT).until(() -> record().map(AgentRecord::lastCheckAt).isPresent());

        byte[] release = "the bytes of release 1.1.0".getBytes(StandardCharsets.UTF_8);
        channel.publish("1.1.0", release);

        await().atMost(WAIT).until(() -> Files.exists(home.stagedRecord().path()));
        StagedRelease staged = home.stagedRecord().read().orElseThrow();
        assertEquals("1.1.0", staged.version().toString());
        assertEquals(Sha256.ofBytes(release), staged.sha256());
        assertArrayEquals(release, Files.readAllBytes(home.dir().resolve(staged.file())));
        assertArrayEquals(Files.readAllBytes(hostJar), Files.readAllBytes(appDir.resolve("app.jar")),
                "the agent never touches the installed artifact");
        assertTrue(host.isAlive());
        await().atMost(WAIT).until(() -> host.err().contains("Staged 1.1.0 in "));

        AgentRecord agent = record().orElseThrow();
        assertEquals(host.pid(), agent.pid());
        assertEquals("1.0.0", agent.runningVersion().toString());
        assertEquals(hostJar.toAbsolutePath().toString(), agent.target());
        assertEquals(Sha256.ofFile(hostJar), agent.targetSha256());
        await().atMost(WAIT).until(() -> record().orElseThrow().ready());
        // the agent's own counters, which the sidecar's /metrics exposes: this release came whole
        await().atMost(WAIT).until(() -> record().orElseThrow().downloadedBytes() == release.length);
        AgentRecord counted = record().orElseThrow();
        assertTrue(counted.checks() >= 2, "a check before the release and the one that staged it: " + counted);
        // the checks before the release was published found no manifest: each one counted as an error
        assertTrue(counted.checkErrors() >= 1 && counted.checkErrors() < counted.checks(), counted.toString());
        assertNull(counted.lastError(), "the check that staged it succeeded: " + counted);
        assertEquals(counted.lastCheckAt(), counted.lastSuccessfulCheckAt(), "kept for the sidecar's /metrics: " + counted);
    }

    @Test
    void homeIsCreatedOwnerOnly_andAgentJsonDescribesTheHost() throws Exception {
        HostJvm host = start(HostJvm.JAVA_17, List.of(), agentArgs());
        await().atMost(WAIT).until(this::fullRecordWritten);
        if (PosixModes.supported(home.dir())) { // Windows has no modes: the profile's ACL guards the home there
            assertEquals("rwx------", PosixModes.of(home.dir()));
        }
        AgentRecord agent = record().orElseThrow();
        assertTrue(agent.commandLine().contains("-jar"), agent.commandLine().toString());
        assertEquals("Implementation-Version of app.jar", agent.versionSource());
        // channel.json is written just after the full agent.json, on the agent's thread
        await().atMost(WAIT).until(() -> home.channelRecord().readQuietly().isPresent());
        ChannelSettings settings = home.channelRecord().read().orElseThrow();
        assertEquals(channel.manifestUri().toString(), settings.manifestUrl());
        assertEquals(List.of(channel.keyText()), settings.trustedKeys());
        assertEquals(home.hostIdFile().read().orElseThrow(), settings.hostId());
        assertTrue(host.isAlive());
    }

    @Test
    void garbledArguments_disableTheAgent_withOneLine_andTheHostRunsOn() throws Exception {
        HostJvm host = start(HostJvm.JAVA_17, List.of(), "manifest=nonsense,colour=blue,oops");
        // premain prints the line before the host's main runs, so the host's own line may come later
        await().atMost(WAIT).until(() -> host.err().contains("updater agent disabled, bad configuration:")
                && host.out().contains("host started 1.0.0"));
        assertTrue(host.isAlive());
        host.send("exit");
        assertEquals(0, host.waitFor());
        assertEquals(1, count(host.err(), "updater agent disabled"), host.err());
        assertFalse(Files.exists(home.dir()), "a disabled agent writes nothing");
    }

    @Test
    void missingArguments_sayWhatToSet() throws Exception {
        HostJvm host = start(HostJvm.JAVA_17, List.of(), null);
        await().atMost(WAIT).until(() -> host.err().contains("manifest is missing: set manifest=https://…/manifest.json"));
        assertTrue(host.isAlive());
    }

    @Test
    void unreachableManifest_logsOneLinePerDistinctError_notOnePerPoll() throws Exception {
        channel.close();
        HostJvm host = start(HostJvm.JAVA_17, List.of(), agentArgs());
        await().atMost(WAIT).until(() -> record().map(r -> r.lastError() != null).orElse(false));
        java.time.Instant firstFailure = record().orElseThrow().lastCheckAt();
        // the back-off retries after 2 s, then 4 s: wait for a later failed check
        await().atMost(WAIT).until(() -> record().orElseThrow().lastCheckAt().isAfter(firstFailure));
        assertEquals(1, count(host.err(), "Could not connect"), host.err());
        assertFalse(Files.exists(home.stagedRecord().path()));
    }

    @Test
    void aBadKeyAndAnUnreadableKeyFile_areReportedTogether_inTheOneLine_andTheHostRunsOn() throws Exception {
        // Both pass premain's syntax check: only the agent's thread can read keys and files.
        Path missing = dir.resolve("missing.pub");
        HostJvm host = start(HostJvm.JAVA_17, List.of(), "manifest=" + channel.manifestUri() + ",key=nonsense,keyfile="
                + missing + ",initial-delay=100ms");
        String line = "updater agent disabled, bad configuration: bad key=: Public key \"nonsense\" is neither"
                + " ed25519:<Base64> nor a PEM PUBLIC KEY block; a public key is one line: ed25519:MCowBQYDK2VwAyEA and"
                + " 44 more Base64 characters, 68 in all, ending in '=' (the line 'updater-sidecar keygen' prints), or"
                + " give the updater.pub file; keyfile=" + missing + " cannot be read (java.nio.file.NoSuchFileException: "
                + missing + "). The host runs on without updates; see docs/agent.md.";
        await().atMost(WAIT).until(() -> host.err().contains(line));
        assertTrue(host.out().contains("host started 1.0.0"));
        assertTrue(host.isAlive());
        host.send("exit");
        assertEquals(0, host.waitFor());
        assertEquals(1, count(host.err(), "updater agent disabled"), host.err());
        assertEquals(0, count(host.err(), "updater: "), host.err());
        assertFalse(Files.exists(home.dir()), "a disabled agent writes nothing");
    }

    @Test
    void aCutOffKey_inAnExistingHome_isRecordedAsTheLastError_forStatus_andTheHostRunsOn() throws Exception {
        HomeFiles.createPrivateDirectories(home.dir()); // the home exists: the sidecar or an earlier run made it
        String cut = channel.keyText().substring(0, 40);
        HostJvm host = start(HostJvm.JAVA_17, List.of(), "manifest=" + channel.manifestUri() + ",key=" + cut);
        String line = "updater agent disabled, bad configuration: bad key=: Public key \"" + cut + "\" has 32 Base64"
                + " characters after ed25519:, not 60: it was cut off when copied; a public key is one line:"
                + " ed25519:MCowBQYDK2VwAyEA and 44 more Base64 characters, 68 in all, ending in '=' (the line"
                + " 'updater-sidecar keygen' prints). The host runs on without updates; see docs/agent.md.";

        await().atMost(WAIT).until(() -> record().map(r -> line.equals(r.lastError())).orElse(false));

        AgentRecord agent = record().orElseThrow();
        assertEquals(host.pid(), agent.pid());
        assertFalse(agent.ready());
        assertTrue(host.err().contains(line), host.err());
        assertTrue(host.isAlive());
        assertFalse(Files.exists(home.channelRecord().path()), "a disabled agent records nothing but why");
        assertFalse(Files.exists(home.stagedRecord().path()));
    }

    @Test
    void runtimeWithoutJavaNetHttp_saysSo_andTheHostRunsOn() throws Exception {
        HostJvm host = start(HostJvm.JAVA_17, List.of("--limit-modules", "java.base,java.instrument,java.logging,java.management"),
                agentArgs());
        await().atMost(WAIT).until(() -> host.err().contains("lacks the java.net.http module"));
        assertTrue(host.out().contains("host started 1.0.0"));
        assertTrue(host.isAlive());
    }

    @Test
    void tamperedArtifact_isNeverStaged() throws Exception {
        channel.publish("1.1.0", "good".getBytes(StandardCharsets.UTF_8));
        Files.writeString(channel.dir().resolve(TestChannel.artifactPath("1.1.0")), "evil");
        HostJvm host = start(HostJvm.JAVA_17, List.of(), agentArgs());
        await().atMost(WAIT).until(() -> host.err().contains("1.1.0"));
        await().atMost(WAIT).until(() -> record().map(r -> r.lastError() != null).orElse(false));
        assertFalse(Files.exists(home.stagedRecord().path()));
        assertTrue(host.isAlive());
    }

    @Test
    void secondJvmOnTheSameHome_staysIdle_andSaysSo() throws Exception {
        HostJvm first = start(HostJvm.JAVA_17, List.of(), agentArgs());
        await().atMost(WAIT).until(this::fullRecordWritten);
        HostJvm second = start(HostJvm.JAVA_17, List.of(), agentArgs());
        await().atMost(WAIT).until(() -> second.err().contains("Another running JVM with the updater agent holds"));
        assertEquals(first.pid(), record().orElseThrow().pid());
        assertTrue(first.isAlive() && second.isAlive());
    }

    @Test
    void unwritableHome_disablesUpdating_withAClearLine() throws Exception {
        // a home below a plain file cannot be created, even by root (whom permission bits do not stop)
        Path file = Files.writeString(dir.resolve("not-a-directory"), "x");
        HostJvm host = start(HostJvm.JAVA_17, List.of(), agentArgs() + ",home=" + file.resolve("home"));
        await().atMost(WAIT).until(() -> host.err().contains("is not usable"));
        assertTrue(host.isAlive());
    }

    @Test
    void aHomeOfAnotherUser_disablesUpdating_withOneLine_andTheHostRunsOn() throws Exception {
        OtherUser.assumeRoot();
        // made beforehand by someone else (nobody), where the agent would create its home
        Files.createDirectories(home.dir(), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        OtherUser.give(home.dir());
        String nobody = OtherUser.name(home.dir());

        HostJvm host = start(HostJvm.JAVA_17, List.of(), agentArgs());

        await().atMost(WAIT).until(() -> host.err().contains("updater agent disabled"));
        assertTrue(host.err().contains("updater agent disabled: the update home " + home.dir() + " belongs to "
                + nobody + " (uid 65534), not to root (uid 0), who runs this host; that user could choose what this"
                + " host installs. The host runs on without updates. Give the home to the host's user (chown -R root "
                + home.dir() + ") or set home= to a folder of its own."), host.err());
        assertTrue(host.out().contains("host started 1.0.0"));
        assertTrue(host.isAlive());
        host.send("exit");
        assertEquals(0, host.waitFor());
        assertEquals(1, count(host.err(), "updater agent disabled"), host.err());
        try (Stream<Path> files = Files.list(home.dir())) {
            assertEquals(List.of(), files.toList(), "nothing was written into the other user's home");
        }
        assertEquals(0, channel.requests("/manifest.json"), "the channel was never checked");
    }

    @Test
    void homeOnAnotherFilesystemThanTheTarget_isRefused() throws Exception {
        Path shm = Path.of("/dev/shm");
        Assumptions.assumeTrue(Files.isDirectory(shm) && !Files.getFileStore(shm).equals(Files.getFileStore(appDir)),
                "/dev/shm is not a separate filesystem here");
        Path otherFs = Files.createTempDirectory(shm, "updater-home-");
        try {
            HostJvm host = start(HostJvm.JAVA_17, List.of(), agentArgs() + ",home=" + otherFs.resolve("home"));
            await().atMost(WAIT).until(() -> host.err().contains("is on another filesystem than the target"));
            assertTrue(host.isAlive());
        } finally {
            try (Stream<Path> files = Files.walk(otherFs)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void exitRequest_makesTheHostExitGracefully_runningItsShutdownHooks() throws Exception {
        HostJvm host = start(HostJvm.JAVA_17, List.of(), agentArgs());
        await().atMost(WAIT).until(this::fullRecordWritten);
        AgentRecord self = record().orElseThrow();
        Files.writeString(home.exitRequest().path(), "{\"reason\": \"install 1.1.0\", \"pid\": " + self.pid()
                + ", \"startedAt\": \"" + self.startedAt() + "\"}");

        assertEquals(0, host.waitFor());
        assertTrue(host.out().contains("host shutdown hook ran"), host.out());
        AgentRecord last = record().orElseThrow();
        assertTrue(last.exiting());
        assertEquals("the updater sidecar asked the host to exit (install 1.1.0)", last.exitReason());
        assertFalse(Files.exists(home.exitRequest().path()));
    }

    /**
     * In a container the restarted JVM gets the pid of the one before: a request left behind for that
     * one (same pid, its start time) must not stop this one. It is removed, and the host runs on.
     */
    @Test
    void exitRequestWithThisPidButAnotherStartTime_isRemovedAndIgnored() throws Exception {
        HostJvm host = start(HostJvm.JAVA_17, List.of(), agentArgs());
        await().atMost(WAIT).until(this::fullRecordWritten);
        AgentRecord self = record().orElseThrow();
        Path request = home.exitRequest().path();
        String stale = "{\"reason\": \"left by a killed sidecar\", \"pid\": " + self.pid() + ", \"startedAt\": \""
                + self.startedAt().minusSeconds(30) + "\"}";
        Files.writeString(request, stale);

        await().atMost(WAIT).until(() -> !Files.exists(request));
        await().atMost(WAIT).until(() -> host.err().contains("ignored and removed an exit request for another host (pid "
                + self.pid() + " started at " + self.startedAt().minusSeconds(30) + "); this host is pid " + self.pid()
                + " started at " + self.startedAt()));
        assertTrue(host.isAlive());
        assertFalse(record().orElseThrow().exiting());

        for (String unaddressed : List.of("{\"reason\": \"no one in particular\"}",
                "{\"reason\": \"no start\", \"pid\": " + self.pid() + "}", "not json")) {
            Files.writeString(request, unaddressed);
            await().atMost(WAIT).until(() -> !Files.exists(request));
            assertTrue(host.isAlive(), unaddressed);
        }

        Files.writeString(request, "{\"reason\": \"install\", \"pid\": " + self.pid() + ", \"startedAt\": \""
                + self.startedAt() + "\"}");
        assertEquals(0, host.waitFor());
    }

    @Test
    void restartOnANewVersion_logsUpdatedFrom() throws Exception {
        HostJvm old = start(HostJvm.JAVA_17, List.of(), agentArgs());
        await().atMost(WAIT).until(this::fullRecordWritten);
        old.send("exit");
        old.waitFor();
        HostJvm.hostJar(appDir, "1.1.0");
        HostJvm updated = start(HostJvm.JAVA_17, List.of(), agentArgs());
        await().atMost(WAIT).until(() -> updated.err().contains("updated from 1.0.0 to 1.1.0"));
    }

    @Test
    void jmx_showsTheAgent_andCheckNowChecksAtOnce() throws Exception {
        channel.publish("1.1.0", "release 1.1.0".getBytes(StandardCharsets.UTF_8));
        HostJvm host = start(HostJvm.JAVA_17, List.of(),
                "manifest=" + channel.manifestUri() + ",key=" + channel.keyText() + ",interval=1h,initial-delay=1h");
        await().atMost(WAIT).until(this::fullRecordWritten);
        await().atMost(WAIT).until(() -> {
            host.send("jmx");
            return host.out().contains("jmx RunningVersion=1.0.0 StagedVersion=null LatestSeenVersion=null");
        });
        assertFalse(Files.exists(home.stagedRecord().path()), "nothing checked before the one-hour delay");

        await().atMost(WAIT).until(() -> {
            host.send("check-now");
            return host.out().contains("jmx checkNow invoked");
        });

        await().atMost(WAIT).until(() -> Files.exists(home.stagedRecord().path()));
        await().atMost(WAIT).until(() -> {
            host.send("jmx");
            return host.out().contains("jmx RunningVersion=1.0.0 StagedVersion=1.1.0 LatestSeenVersion=1.1.0");
        });
    }

    @Test
    void enabledFalse_doesNothing() throws Exception {
        HostJvm host = start(HostJvm.JAVA_17, List.of(), "enabled=false");
        await().atMost(WAIT).until(() -> host.out().contains("host started"));
        host.send("exit");
        assertEquals(0, host.waitFor());
        assertFalse(Files.exists(home.dir()));
    }

    private String agentArgs() {
        return "manifest=" + channel.manifestUri() + ",key=" + channel.keyText() + ",interval=300ms,initial-delay=100ms";
    }

    private HostJvm start(String java, List<String> jvmArgs, String agentArgs, String... args) throws Exception {
        HostJvm host = HostJvm.start(java, jvmArgs, agentArgs, hostJar, args);
        hosts.add(host);
        return host;
    }

    /** The agent's full record, not the early one it writes before loading Jackson. */
    private boolean fullRecordWritten() {
        return record().map(r -> r.runningVersion() != null).orElse(false);
    }

    private Optional<AgentRecord> record() {
        try {
            return home.agentRecord().read();
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
