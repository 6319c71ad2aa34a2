package dev.updater.agent.it;

import dev.updater.core.home.AgentRecord;
import dev.updater.core.home.AgentRecord.Listener;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.testing.ChildProcess;
import dev.updater.core.testing.TestChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bind hook in real child JVMs (JDK 17 and 25) running four kinds of server ({@link BindHost}):
 * each listener is recorded in agent.json, leaves it when closed, and with
 * {@code UPDATER_REUSE_PORT=true} is bound with SO_REUSEPORT, so a second JVM joins its port.
 */
class BindHookIT {
    private static final Duration WAIT = Duration.ofSeconds(40);
    private static final List<String> KINDS = List.of("httpserver", "serversocket", "async", "jetty");
    private static final Pattern LISTENING = Pattern.compile("listening \\S+ on 127\\.0\\.0\\.1:(\\d+)");

    @TempDir
    Path dir;

    private TestChannel channel;
    private final List<HostJvm> hosts = new ArrayList<>();

    @BeforeEach
    void channel() throws Exception {
        channel = TestChannel.start(dir.resolve("channel"));
    }

    @AfterEach
    void stopAll() throws Exception {
        for (HostJvm host : hosts) {
            host.close();
        }
        channel.close();
    }

    static Stream<String> javas() {
        return Stream.of(HostJvm.JAVA_17, HostJvm.JAVA_25.toString());
    }

    static Stream<Arguments> javasAndKinds() {
        return javas().flatMap(java -> KINDS.stream().map(kind -> Arguments.of(java, kind)));
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("javasAndKinds")
    void withReusePort_theListenerBoundAtOnceIsRecorded_aSecondJvmJoinsItsPort_andACloseLeavesTheList(
            String java, String kind) throws Exception {
        assumeInstalled(java);
        App a = new App(dir.resolve("a"));
        HostJvm first = a.start(java, true, kind, "0");
        int port = awaitPort(first);
        // Bound in main, before the agent's thread could have installed the hook: premain waited for it.
        awaitListeners(a, first, 1);
        Listener listener = a.listeners().get(0);
        assertEquals(List.of("127.0.0.1", port, true), List.of(listener.address(), listener.port(), listener.reusePort()));
        assertTrue(a.record().orElseThrow().ready());

        App b = new App(dir.resolve("b"));
        HostJvm second = b.start(java, true, kind, String.valueOf(port));
        assertEquals(port, awaitPort(second), second.out());
        awaitListeners(b, second, 1);
        assertEquals(List.of(port, true), List.of(b.listeners().get(0).port(), b.listeners().get(0).reusePort()));

        first.send("close");
        await().atMost(WAIT).until(() -> first.out().contains("closed"));
        awaitListeners(a, first, 0);
        assertEquals(1, b.listeners().size(), "the second host still listens");
        assertTrue(first.isAlive() && second.isAlive());
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("javasAndKinds")
    void withoutReusePort_aSecondJvmGetsItsOwnBindException_unchanged_andNothingIsRecorded(String java, String kind)
            throws Exception {
        assumeInstalled(java);
        App a = new App(dir.resolve("a"));
        HostJvm first = a.start(java, false, null);
        await().atMost(WAIT).until(() -> a.record().map(r -> r.runningVersion() != null).orElse(false));
        // Bound after the hook is in: seen by the hook itself and recorded by its thread (the poll loop waits an hour),
        // with the time of this bind, not the hook's install time. Not "within N ms": an fsync on a loaded machine is slow.
        Instant sent = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        first.send("listen " + kind + " 0");
        int port = awaitPort(first);
        awaitListeners(a, first, 1);
        AgentRecord record = a.record().orElseThrow();
        Listener listener = record.listeners().get(0);
        assertEquals(List.of("127.0.0.1", port, false), List.of(listener.address(), listener.port(), listener.reusePort()));
        assertTrue(!listener.boundAt().isBefore(sent) && !record.updatedAt().isBefore(listener.boundAt()),
                "asked to bind at " + sent + ", bound at " + listener.boundAt() + ", recorded at " + record.updatedAt());

        String withoutAgent = bindFailure(ChildProcess.run(ChildProcess.java(Path.of(java), "-cp",
                a.classpath(), BindHost.class.getName(), kind, String.valueOf(port)), WAIT).out());
        App b = new App(dir.resolve("b"));
        HostJvm second = b.start(java, false, kind, String.valueOf(port));
        await().atMost(WAIT).until(() -> second.out().contains("bind failed: "));
        await().atMost(WAIT).until(() -> b.record().map(r -> r.runningVersion() != null).orElse(false));

        assertTrue(withoutAgent.startsWith("bind failed: java.net.BindException: Address already in use"), withoutAgent);
        assertEquals(withoutAgent, bindFailure(second.out()), "the host's own exception, unchanged by the advice");
        assertEquals(List.of(), b.listeners());
        assertTrue(second.isAlive());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("javas")
    void aHostsStart_goesFirst_andTheListenerItBoundMeanwhile_isRecordedWithReusePortFalse(String java)
            throws Exception {
        assumeInstalled(java);
        Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/self/net/tcp")),
                "listeners bound before the hook are found in /proc, which only Linux has");
        App a = new App(dir.resolve("a"));
        // binds in main, then keeps main busy for 1 s: the agent lets that start go first (at most 3 s)
        HostJvm host = a.start(java, false, "httpserver", "0", "1000");
        int port = awaitPort(host);
        await().atMost(WAIT).until(() -> host.out().contains("agent started meanwhile: "));
        assertTrue(host.out().contains("agent started meanwhile: false"), host.out());
        awaitListeners(a, host, 1);
        Listener listener = a.listeners().get(0);
        assertEquals(List.of("127.0.0.1", port, false), List.of(listener.address(), listener.port(), listener.reusePort()));
        assertTrue(a.record().orElseThrow().ready());
    }

    /** One installed app: its jar, its home, and the agent arguments that point at them. */
    private final class App {
        private final Path appDir;
        private final Path jar;
        private final UpdateHome home;

        App(Path appDir) throws Exception {
            this.appDir = appDir;
            this.jar = HostJvm.classesJar(appDir, "1.0.0", BindHost.class);
            this.home = new UpdateHome(appDir.resolve(".updater"));
        }

        HostJvm start(String java, boolean reusePort, String kind, String... port) {
            String agentArgs = "manifest=" + channel.manifestUri() + ",key=" + channel.keyText() + ",initial-delay=1h"
                    + ",target=" + jar;
            List<String> args = new ArrayList<>();
            if (kind != null) {
                args.add(kind);
                args.addAll(Arrays.asList(port));
            }
            HostJvm host = HostJvm.startOnClasspath(java, reusePort ? Map.of("UPDATER_REUSE_PORT", "true") : Map.of(),
                    agentArgs, classpathEntries(), BindHost.class, args.toArray(String[]::new));
            hosts.add(host);
            return host;
        }

        /** The app jar and Jetty's jars (the test's own class path has them, as a test dependency). */
        List<Path> classpathEntries() {
            List<Path> entries = new ArrayList<>(List.of(jar));
            for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
                if (entry.contains("jetty") || entry.contains("slf4j")) {
                    entries.add(Path.of(entry));
                }
            }
            return entries;
        }

        String classpath() {
            return String.join(File.pathSeparator, classpathEntries().stream().map(Path::toString).toList());
        }

        Optional<AgentRecord> record() {
            try {
                return home.agentRecord().read();
            } catch (Exception e) {
                return Optional.empty();
            }
        }

        List<Listener> listeners() {
            return record().map(AgentRecord::listeners).orElse(List.of());
        }

        @Override
        public String toString() {
            return appDir.toString();
        }
    }

    private static int awaitPort(HostJvm host) {
        Matcher[] found = new Matcher[1];
        await().atMost(WAIT).until(() -> {
            found[0] = LISTENING.matcher(host.out());
            return found[0].find();
        });
        return Integer.parseInt(found[0].group(1));
    }

    /** Waits for {@code count} listeners in agent.json; a failure shows the record and the host's output. */
    private static void awaitListeners(App app, HostJvm host, int count) {
        await().atMost(WAIT).untilAsserted(() -> assertEquals(count, app.listeners().size(),
                () -> "agent.json: " + app.record().map(Object::toString).orElse("(none)") + "\nhost output:\n"
                        + host.out()));
    }

    private static String bindFailure(String out) {
        return out.lines().filter(line -> line.startsWith("bind failed: ")).findFirst().orElse("no bind failure in: " + out);
    }

    private static void assumeInstalled(String java) {
        Assumptions.assumeTrue(Files.isExecutable(Path.of(java)), "no JVM at " + java);
    }
}
