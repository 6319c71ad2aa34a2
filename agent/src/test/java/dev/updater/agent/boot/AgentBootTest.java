package dev.updater.agent.boot;

import dev.updater.agent.config.AgentConfigLoader;
import dev.updater.core.UpdaterException;
import dev.updater.core.signature.Ed25519Keys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

final class AgentBootTest {
    private static final String VALID = "manifest=https://releases.example.com/app/manifest.json,"
            + "key=ed25519:MCowBQYDK2VwAyEAV5GTKounK7m4V4FFPtF09ia4ysLx6RlGQTl49l41df0=";
    private static final String KNOWN = "(known: allow-breaking, allow-prerelease, channel, config, enabled, home, host-id,"
            + " initial-delay, insecure-allow-http, insecure-allow-unsigned, interval, key, keyfile, manifest, target,"
            + " version)";

    @Test
    void aMisspelledKey_isNamed_withTheKeysThatExist() {
        assertEquals("updater agent disabled, bad configuration: unknown key intervall " + KNOWN + ". The host runs"
                + " on without updates; see docs/agent.md.", AgentBoot.badConfigurationLine(VALID + ",intervall=5m"));
    }

    @Test
    void aDurationThatIsNoDuration_isNamed() {
        assertEquals("updater agent disabled, bad configuration: interval \"abc\" is not a duration; write a number"
                + " and a unit: 500ms, 5s, 10m, 1h or 30d. The host runs on without updates; see docs/agent.md.",
                AgentBoot.badConfigurationLine(VALID + ",interval=abc"));
    }

    @Test
    void everyProblem_isReportedInOneLine_inTheOrderTheFullCheckUses() {
        assertEquals("updater agent disabled, bad configuration: agent argument \"oops\" is not key=value;"
                + " agent argument \"home=\" has no value; unknown keys colour, intervall " + KNOWN + "; enabled must"
                + " be true or false, got \"maybe\"; insecure-allow-unsigned must be true or false, got \"1\";"
                + " interval \"5 minutes\" is not a duration; write a number and a unit: 500ms, 5s, 10m, 1h or 30d;"
                + " initial-delay \"-1s\" is not a duration; write a number and a unit: 500ms, 5s, 10m, 1h or 30d;"
                + " insecure-allow-http must be true or false, got \"yes\"; allow-prerelease must be true or false,"
                + " got \"on\"; allow-breaking must be true or false, got \"no\". The host runs on without updates;"
                + " see docs/agent.md.",
                AgentBoot.badConfigurationLine(VALID + ",oops,home= ,colour=blue,intervall=5m,colour=red,"
                        + "enabled=maybe,insecure-allow-unsigned=1,interval=5 minutes,initial-delay=-1s,"
                        + "insecure-allow-http=yes,allow-prerelease=on,allow-breaking=no"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"oops", "home=", "colour=blue", "intervall=5m,Colour=x", "enabled=maybe",
            "interval=abc", "initial-delay=10 min", "interval=1234567890123s", "allow-breaking=yes",
            "insecure-allow-http=, key=", "oops,interval=x,allow-prerelease=1"})
    void premain_saysExactlyWhatTheFullCheckSays(String bad) {
        UpdaterException full = assertThrows(UpdaterException.class,
                () -> AgentConfigLoader.load(VALID + "," + bad, new Properties(), Map.of()));
        assertEquals(full.getMessage(), AgentBoot.badConfigurationLine(VALID + "," + bad));
    }

    /** The full check reads keys, key files and the target: these exist. */
    @TempDir
    static Path files;

    static Stream<String> goodSyntax() throws IOException {
        // A real key's text ends in '=': a value may contain '='.
        String second = Ed25519Keys.toText(Ed25519Keys.generate().getPublic());
        Path keyFile = Files.writeString(files.resolve("key.pub"), Ed25519Keys.toPem(Ed25519Keys.generate().getPublic()));
        Path target = Files.writeString(files.resolve("app.jar"), "app");
        return Stream.of("", " ", ",,", VALID, VALID + ",interval=5m,initial-delay=500ms,enabled=TRUE",
                VALID + ",interval= 90 s ,initial-delay=PT1H30M,allow-breaking=False",
                VALID + ",interval=abc,interval=1h", "enabled=false", "config=/etc/app/updater.properties",
                VALID + ",key=" + second + ",home=/var/lib/app,version=1.3.0,target=" + target + ",host-id=web-17,"
                        + "keyfile=" + keyFile + ",insecure-allow-unsigned=false,insecure-allow-http=true,"
                        + "allow-prerelease=true");
    }

    @ParameterizedTest
    @MethodSource("goodSyntax")
    void goodSyntax_passes_likeTheFullCheck(String args) throws Exception {
        assertNull(AgentBoot.badConfigurationLine(args));
        if (args.startsWith(VALID)) {
            AgentConfigLoader.load(args, new Properties(), Map.of());
        }
    }

    @Test
    void aNullArgument_passes() {
        assertNull(AgentBoot.badConfigurationLine(null));
    }

    @Test
    void theKeysOfTheSyntaxCheck_areTheFullChecksKeys_sorted() {
        assertEquals(Set.copyOf(AgentConfigLoader.KEYS), Set.of(AgentBoot.KEYS));
        assertEquals(AgentConfigLoader.KEYS.stream().sorted().toList(), List.of(AgentBoot.KEYS));
    }

    @Test
    void premain_startsOneDaemonThreadNamedUpdaterAgent_whichReportsAFailureInOneLine() throws Exception {
        // Here AgentBoot comes from target/classes, a directory and no agent jar: the agent thread must
        // fail, print one line and end, while premain has long returned. Its line is held until the
        // threads are counted, so that the thread cannot end unseen.
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        CountDownLatch counted = new CountDownLatch(1);
        PrintStream original = System.err;
        System.setErr(new PrintStream(new HeldFromTheAgentThread(captured, counted), true, StandardCharsets.UTF_8));
        List<Thread> started;
        try {
            AgentBoot.premain("enabled=false", null);
            started = Thread.getAllStackTraces().keySet().stream()
                    .filter(thread -> thread.getName().equals(AgentBoot.THREAD_NAME) && !before.contains(thread))
                    .toList();
            counted.countDown();

            await().atMost(Duration.ofSeconds(10))
                    .until(() -> captured.toString(StandardCharsets.UTF_8).lines().count() == 1);
        } finally {
            counted.countDown();
            System.setErr(original);
        }
        assertEquals(1, started.size(), "threads named " + AgentBoot.THREAD_NAME + " that premain started: " + started);
        assertTrue(started.get(0).isDaemon(), started.get(0) + " is not a daemon");
        String line = captured.toString(StandardCharsets.UTF_8).strip();
        assertTrue(line.startsWith("updater: agent disabled: it could not start from "), line);
        assertEquals(1, captured.toString(StandardCharsets.UTF_8).lines().count(), line);
        assertEquals("javaagent enabled=false", System.getProperty(AgentBoot.LOADED_PROPERTY),
                "how the running agent came, for updater-sidecar attach");
    }

    @Test
    void aSecondLoad_startsNoThread_andSaysWhichAgentRuns() {
        System.setProperty(AgentBoot.LOADED_PROPERTY, "attach home=/h,manifest=https://h/m.json");
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        CountDownLatch counted = new CountDownLatch(1);
        PrintStream original = System.err;
        System.setErr(new PrintStream(new HeldFromTheAgentThread(captured, counted), true, StandardCharsets.UTF_8));
        List<Thread> started;
        try {
            AgentBoot.agentmain("manifest=https://h/m.json,interval=1h", null);
            started = Thread.getAllStackTraces().keySet().stream()
                    .filter(thread -> thread.getName().equals(AgentBoot.THREAD_NAME) && !before.contains(thread))
                    .toList();
        } finally {
            counted.countDown();
            System.setErr(original);
        }
        assertEquals("updater: the agent is already loaded (attach home=/h,manifest=https://h/m.json); this load starts"
                + " nothing" + System.lineSeparator(), captured.toString(StandardCharsets.UTF_8));
        assertEquals(List.of(), started);
        assertEquals("attach home=/h,manifest=https://h/m.json", System.getProperty(AgentBoot.LOADED_PROPERTY));
    }

    @AfterEach
    void forgetTheLoad() {
        System.clearProperty(AgentBoot.LOADED_PROPERTY);
        System.clearProperty(AgentBoot.DISABLED_PROPERTY);
    }

    @Test
    void premain_withBadArgumentSyntax_printsTheLineBeforeReturning_andStartsNoThread() {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        CountDownLatch counted = new CountDownLatch(1); // a thread started by mistake is held at its first line
        PrintStream original = System.err;
        System.setErr(new PrintStream(new HeldFromTheAgentThread(captured, counted), true, StandardCharsets.UTF_8));
        List<Thread> started;
        try {
            AgentBoot.premain("manifest=https://h/m.json,intervall=5m", null);
            started = Thread.getAllStackTraces().keySet().stream()
                    .filter(thread -> thread.getName().equals(AgentBoot.THREAD_NAME) && !before.contains(thread))
                    .toList();
        } finally {
            counted.countDown();
            System.setErr(original);
        }
        assertEquals("updater agent disabled, bad configuration: unknown key intervall (known: allow-breaking,"
                + " allow-prerelease, channel, config, enabled, home, host-id, initial-delay, insecure-allow-http,"
                + " insecure-allow-unsigned, interval, key, keyfile, manifest, target, version). The host runs on"
                + " without updates; see docs/agent.md." + System.lineSeparator(),
                captured.toString(StandardCharsets.UTF_8));
        assertEquals(List.of(), started);
        assertNull(System.getProperty(AgentBoot.LOADED_PROPERTY), "nothing started: a corrected load may start it");
        assertTrue(System.getProperty(AgentBoot.DISABLED_PROPERTY).startsWith("updater agent disabled, bad"
                + " configuration: unknown key intervall"));
    }

    /** Error output that holds what the agent thread writes until {@code released}: it lives until then. */
    private static final class HeldFromTheAgentThread extends OutputStream {
        private final ByteArrayOutputStream bytes;
        private final CountDownLatch released;

        HeldFromTheAgentThread(ByteArrayOutputStream bytes, CountDownLatch released) {
            this.bytes = bytes;
            this.released = released;
        }

        @Override
        public void write(int b) {
            holdTheAgentThread();
            bytes.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            holdTheAgentThread();
            bytes.write(b, off, len);
        }

        private void holdTheAgentThread() {
            if (Thread.currentThread().getName().equals(AgentBoot.THREAD_NAME)) {
                try {
                    released.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
