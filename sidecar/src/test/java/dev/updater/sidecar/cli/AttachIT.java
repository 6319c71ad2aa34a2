package dev.updater.sidecar.cli;

import dev.updater.core.home.AgentRecord;
import dev.updater.core.home.SwapState;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.testing.ChildProcess;
import dev.updater.core.testing.OtherUser;
import dev.updater.core.testing.TestChannel;
import dev.updater.sidecar.testhost.ContainerRuntime;
import dev.updater.sidecar.testhost.Hosts;
import dev.updater.sidecar.testhost.SidecarJar;
import dev.updater.sidecar.testhost.SidecarOutput;
import dev.updater.sidecar.testhost.apps.AppJars;
import dev.updater.sidecar.testhost.apps.AppRelease;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code updater-sidecar attach} from the built jar against real host JVMs (JDK 17 and 25) that were started
 * without the agent: the load, the agent's first agent.json and staging, an install by {@code watch}, attaching
 * twice, and every refusal with its sentence, each leaving the host running and no home behind.
 */
class AttachIT {
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final Path AGENT_JAR = Path.of("..", "agent", "target", "updater.jar").toAbsolutePath().normalize();
    private static final Path JDK25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java");
    private static final Path JDK17 = Path.of(System.getProperty("java.home"), "bin", "java");

    @TempDir
    Path dir;

    private TestChannel channel;
    private Path target;
    private Path v110;
    private Path home;
    private int port;
    private final List<ChildProcess> started = new ArrayList<>();
    private ContainerRuntime runtime;

    @BeforeEach
    void hostJarAndChannel() throws Exception {
        SidecarJar.assumeBuilt();
        assumeTrue(Files.isRegularFile(AGENT_JAR), "run after 'package': " + AGENT_JAR);
        channel = TestChannel.start(dir.resolve("channel"));
        target = AppJars.build(dir.resolve("opt/app.jar"), AppJars.Kind.JDK_HTTP, "1.0.0", AppRelease.Behaviour.GOOD);
        v110 = AppJars.build(dir.resolve("jars/app-1.1.0.jar"), AppJars.Kind.JDK_HTTP, "1.1.0",
                AppRelease.Behaviour.GOOD);
        home = dir.resolve("home");
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
    }

    @AfterEach
    void stopAll() {
        if (runtime != null) {
            runtime.close();
        }
        started.forEach(ChildProcess::close);
        if (channel != null) {
            channel.close();
        }
    }

    private List<String> agentOptions() {
        return List.of("manifest=" + channel.manifestUri(), "key=" + channel.keyText(), "initial-delay=100ms");
    }

    private String optionText() {
        return "home=" + home + "," + String.join(",", agentOptions());
    }

    private ChildProcess host(Path java, String... jvmOptions) {
        List<Object> args = new ArrayList<>(List.of(jvmOptions));
        args.addAll(List.of("-jar", target, "--port", port));
        ChildProcess host = ChildProcess.start(ChildProcess.java(java, args.toArray()));
        started.add(host);
        await().atMost(PATIENCE).until(() -> "1.0.0".equals(Hosts.version(port)));
        return host;
    }

    private ChildProcess.Finished attach(long pid, List<String> sidecarJvm, List<String> agentOptions) throws Exception {
        List<String> args = new ArrayList<>(List.of("attach", "--pid", Long.toString(pid), "--agent-jar",
                AGENT_JAR.toString(), "--home", home.toString()));
        args.addAll(agentOptions);
        return ChildProcess.run(SidecarJar.command(sidecarJvm, args), PATIENCE);
    }

    private ChildProcess.Finished attach(long pid) throws Exception {
        return attach(pid, List.of(), agentOptions());
    }

    @ParameterizedTest(name = "host on JDK {0}")
    @ValueSource(ints = {17, 25})
    void attach_loadsTheAgent_whichWritesAgentJson_andStagesTheChannelsRelease(int jdk) throws Exception {
        Path java = jdk == 25 ? JDK25 : JDK17;
        assumeTrue(Files.isExecutable(java), "needs JDK " + jdk + " at " + java);
        channel.publish("1.1.0", Files.readAllBytes(v110));
        ChildProcess host = host(java);

        ChildProcess.Finished run = attach(host.pid());

        assertEquals(0, run.exitCode(), run.toString());
        List<String> lines = run.out().lines().toList();
        assertTrue(Pattern.matches(Pattern.quote("Attached the updater agent " + AGENT_JAR + " to pid " + host.pid()
                + " (root, Java ") + jdk + "[0-9.+]*\\) in \\d+ ms; its home is " + Pattern.quote(home + "."),
                lines.get(0)), run.toString());
        assertEquals("status, check, apply and watch work on it now, for example: updater-sidecar status --home "
                + home, lines.get(1));
        List<String> rest = jdk >= 21 ? lines.subList(3, lines.size()) : lines.subList(2, lines.size());
        if (jdk >= 21) {
            assertEquals("Note: Java 25 prints a warning about a dynamically loaded agent (JEP 451) to the host's"
                    + " output; it is expected. Start the host with -XX:+EnableDynamicAgentLoading to silence it, or"
                    + " with the -javaagent option below, which needs no attach.", lines.get(2));
            await().atMost(PATIENCE).until(() -> host.outputText().contains("WARNING: A Java agent has been loaded"
                    + " dynamically"));
        }
        assertEquals(List.of("To keep the agent across restarts, add to the host's JVM options:",
                "  -javaagent:" + AGENT_JAR + "=" + optionText()), rest);
        assertEquals("", run.err());

        AgentRecord record = new UpdateHome(home).agentRecord().read().orElseThrow();
        assertEquals(host.pid(), record.pid());
        await().atMost(PATIENCE).until(() -> new UpdateHome(home).stagedRecord().read()
                .map(s -> s.version().toString().equals("1.1.0")).orElse(false));
        assertEquals("1.0.0", Hosts.version(port), "the host serves on, untouched");
    }

    /**
     * The host as a service manager runs it (Restart=always): after the attach the operator adds the printed
     * -javaagent option to the service's JVM options, here a file its start command reads, and {@code watch}
     * installs: swap, ask the host to exit, gate the restarted host.
     */
    @Test
    @DisabledOnOs(value = OS.WINDOWS, disabledReason = "the service's start command is sh, reading the JVM options file"
            + " at each start")
    void anAttachedHost_isInstalledByWatch_andRestartsWithThePrintedJavaagentOption() throws Exception {
        Path jvmOptions = Files.writeString(dir.resolve("jvm-options"), "");
        String java = ChildProcess.java().get(0);
        runtime = new ContainerRuntime(List.of("sh", "-c", "exec \"$0\" -XX:TieredStopAtLevel=1 $(cat \"$1\") -jar"
                + " \"$2\" --port \"$3\"", java, jvmOptions.toString(), target.toString(), Integer.toString(port)),
                Duration.ofMillis(200));
        await().atMost(PATIENCE).until(() -> "1.0.0".equals(Hosts.version(port)));
        long pid = ProcessHandle.allProcesses().filter(p -> p.info().arguments().map(a -> List.of(a)
                .contains(target.toString())).orElse(false)).findFirst().orElseThrow().pid();

        ChildProcess.Finished run = attach(pid);
        assertEquals(0, run.exitCode(), run.toString());
        String javaagent = run.out().lines().filter(l -> l.startsWith("  -javaagent:")).findFirst().orElseThrow().strip();
        Files.writeString(jvmOptions, javaagent);
        channel.publish("1.1.0", Files.readAllBytes(v110));
        await().atMost(PATIENCE).until(() -> new UpdateHome(home).stagedRecord().read().isPresent());

        ChildProcess watcher = ChildProcess.start(SidecarJar.command(List.of(), List.of("watch", "--home",
                home.toString(), "--apply", "immediate", "--health-url", "http://127.0.0.1:" + port + "/health",
                "--min-uptime", "300ms", "--health-timeout", "5s", "--stop-timeout", "2s", "--restart-timeout", "20s",
                "--target", target.toString())));
        started.add(watcher);

        await().atMost(PATIENCE).until(() -> "1.1.0".equals(Hosts.version(port)));
        await().atMost(PATIENCE).until(() -> new UpdateHome(home).swapJournal().read()
                .map(j -> j.state().isFinished()).orElse(false));
        assertEquals(SwapState.COMMITTED, new UpdateHome(home).swapJournal().read().orElseThrow().state(),
                watcher + "\n" + runtime);
        assertArrayEquals(Files.readAllBytes(v110), Files.readAllBytes(target));
        SidecarOutput.await(watcher, "asking the host (pid " + pid + ") to exit, so that the container"
                + " runtime starts it on 1.1.0", PATIENCE);
        assertEquals(List.of(0), runtime.exits(), "the attached agent made the old host exit by itself");
    }

    @Test
    void attachingTwice_startsNothingNew_sameOptions_andOtherOptionsAreRefused() throws Exception {
        ChildProcess host = host(JDK17);
        assertEquals(0, attach(host.pid()).exitCode());

        ChildProcess.Finished again = attach(host.pid());

        assertEquals(0, again.exitCode(), again.toString());
        assertEquals("The updater agent is already attached to pid " + host.pid() + ", same options (loaded by an"
                + " earlier attach); nothing new was started; its home is " + home + ".\n"
                + "To keep the agent across restarts, add to the host's JVM options:\n"
                + "  -javaagent:" + AGENT_JAR + "=" + optionText() + "\n", again.out());

        List<String> other = new ArrayList<>(agentOptions());
        other.add("interval=1h");
        ChildProcess.Finished different = attach(host.pid(), List.of(), other);

        assertEquals(1, different.exitCode(), different.toString());
        assertEquals("The updater agent is already attached to pid " + host.pid() + " with other options: "
                + optionText() + " (by an earlier attach); nothing new was started. Options cannot change in a running"
                + " host: restart it with -javaagent:" + AGENT_JAR + "=" + optionText() + ",interval=1h.\n",
                different.err());
        assertEquals(1, agentThreads(host.pid()), "one agent thread");
        assertEquals(host.pid(), new UpdateHome(home).agentRecord().read().orElseThrow().pid());
    }

    /** The guard is in the agent: a load that bypasses the sidecar's check (jcmd) starts nothing either. */
    @Test
    void aSecondLoadPastTheSidecar_isStoppedByTheAgentsGuard() throws Exception {
        ChildProcess host = host(JDK17);
        assertEquals(0, attach(host.pid()).exitCode());

        // without options: jcmd's own parser would take KEY=VALUE for an argument of its command
        ChildProcess.Finished jcmd = ChildProcess.run(List.of(jcmd(), Long.toString(host.pid()), "JVMTI.agent_load",
                AGENT_JAR.toString()), PATIENCE);

        assertEquals(0, jcmd.exitCode(), jcmd.toString());
        host.awaitLine("updater: the agent is already loaded (attach " + optionText() + "); this load starts nothing",
                PATIENCE);
        assertEquals(1, agentThreads(host.pid()));
    }

    @Test
    void aHostStartedWithJavaagent_isReportedAsSuch() throws Exception {
        ChildProcess host = host(JDK17, "-javaagent:" + AGENT_JAR + "=" + optionText());
        await().atMost(PATIENCE).until(() -> Files.exists(home.resolve("agent.json")));

        ChildProcess.Finished again = attach(host.pid());

        assertEquals(0, again.exitCode(), again.toString());
        assertTrue(again.out().startsWith("The updater agent is already attached to pid " + host.pid() + ", same"
                + " options (loaded by -javaagent at its start); nothing new was started; its home is " + home
                + ".\n"), again.toString());
    }

    @Test
    void anAgentThatDisablesItself_isReported_andASecondAttachSaysSo() throws Exception {
        ChildProcess host = host(JDK17);
        List<String> bad = List.of("manifest=ftp://127.0.0.1/m.json", "key=" + channel.keyText());
        String line = "updater agent disabled, bad configuration: manifest \"ftp://127.0.0.1/m.json\" is not an http(s)"
                + " URL. The host runs on without updates; see docs/agent.md.";

        ChildProcess.Finished first = attach(host.pid(), List.of(), bad);

        assertRefused(first, "The agent was loaded into pid " + host.pid() + " but disabled itself: " + line);
        ChildProcess.Finished second = attach(host.pid(), List.of(), agentOptions());
        assertRefused(second, "The updater agent is already loaded in pid " + host.pid() + " (by an earlier attach) but"
                + " disabled itself: " + line + " Nothing new was started: a JVM runs one agent, so restart the host"
                + " with corrected options (-javaagent:" + AGENT_JAR + "=...).");
        await().atMost(PATIENCE).until(() -> agentThreads(host.pid()) == 0); // the disabled one ended, none started
        assertEquals("1.0.0", Hosts.version(port));
    }

    @Test
    @EnabledOnOs(value = OS.LINUX, disabledReason = "the sidecar reads the JVM's options in /proc/<pid>/cmdline;"
            + " elsewhere the Attach API refuses it in its own words")
    void aJvmStartedWithDisableAttachMechanism_isRefused() throws Exception {
        ChildProcess host = host(JDK17, "-XX:+DisableAttachMechanism");

        ChildProcess.Finished run = attach(host.pid());

        assertRefused(run, "The JVM in pid " + host.pid() + " was started with -XX:+DisableAttachMechanism, so it"
                + " accepts no agent while it runs; nothing was attached. Add the agent with -javaagent at its next"
                + " start instead (see docs/agent.md).");
        assertFalse(host.outputText().contains("Full thread dump"), host.toString());
        assertTrue(host.isAlive());
    }

    @Test
    void aJvmOfAnotherUser_isRefused() throws Exception {
        OtherUser.assumeCanRunAs();
        OtherUser.openToOthers(dir);
        OtherUser.openToOthers(target.getParent());
        List<String> command = ChildProcess.java(JDK17, "-jar", target, "--port", port);
        ChildProcess host = ChildProcess.start(OtherUser.command(command));
        started.add(host);
        await().atMost(PATIENCE).until(() -> "1.0.0".equals(Hosts.version(port)));
        long pid = host.pid(); // setpriv execs java: the same process

        ChildProcess.Finished run = attach(pid);

        assertRefused(run, "pid " + pid + " runs as nobody (uid 65534), not as root (uid 0) who runs this command,"
                + " and the agent is attached only by its host's own user, so that it runs and writes its home as that"
                + " user; nothing was attached. Run it as that user: sudo -u nobody java -jar updater-sidecar.jar"
                + " attach --pid " + pid + " ...");
        assertTrue(host.isAlive());
    }

    @Test
    void aSidecarOnARuntimeWithoutJdkAttach_isRefused() throws Exception {
        ChildProcess host = host(JDK17);

        ChildProcess.Finished run = attach(host.pid(), List.of("--limit-modules", "java.se"), agentOptions());

        assertRefused(run, "This Java runtime (" + System.getProperty("java.home") + ") has no jdk.attach module, so"
                + " it cannot load an agent into another JVM; nothing was attached. Run updater-sidecar attach with a"
                + " full JDK (for example the one the host runs on: JDK/bin/java -jar updater-sidecar.jar attach ...).");
    }

    @Test
    void aPidThatIsNotRunning_isRefused() throws Exception {
        ChildProcess gone = ChildProcess.start(ChildProcess.exitingAtOnce());
        assertEquals(0, gone.awaitExit(PATIENCE));
        long pid = gone.pid();

        ChildProcess.Finished run = attach(pid);

        assertRefused(run, "No process with pid " + pid + " is running; nothing was attached. Find the host's pid with"
                + " 'jps -l' (or 'pgrep -f app.jar').");
    }

    @Test
    @EnabledOnOs(value = OS.LINUX, disabledReason = "the sidecar tells a JVM by libjvm.so in /proc/<pid>/maps; elsewhere"
            + " only the Attach API checks the pid")
    void aProcessThatIsNotAJvm_isRefused_andNotSignalled() throws Exception {
        ChildProcess sleep = ChildProcess.start(List.of("sleep", "120"));
        started.add(sleep);

        ChildProcess.Finished run = attach(sleep.pid());

        assertRefused(run, "pid " + sleep.pid() + " (sleep) is not a Java virtual machine (no libjvm.so in /proc/"
                + sleep.pid() + "/maps); nothing was attached. Check the pid: 'jps -l' lists the JVMs.");
        assertTrue(sleep.isAlive(), "no SIGQUIT reached it");
    }

    private void assertRefused(ChildProcess.Finished run, String message) {
        assertEquals(1, run.exitCode(), run.toString());
        assertEquals(message + "\n", run.err());
        assertEquals("", run.out());
        assertFalse(Files.exists(home), "no home was made");
    }

    private static String jcmd() {
        return Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    }

    private static long agentThreads(long pid) throws IOException, InterruptedException {
        ChildProcess.Finished dump = ChildProcess.run(List.of(jcmd(), Long.toString(pid), "Thread.print"), PATIENCE);
        return dump.out().lines().filter(l -> l.startsWith("\"updater-agent\"")).count();
    }
}
