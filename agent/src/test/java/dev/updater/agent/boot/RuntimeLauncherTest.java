package dev.updater.agent.boot;

import dev.updater.agent.boot.testjar.Greeter;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

final class RuntimeLauncherTest {
    @TempDir
    Path directory;

    @Test
    void run_runtimeInTheJar_isCalledInsideTheAgentLoader_andWhatItThrowsIsOneLine() throws Exception {
        Path jar = new TestJar()
                .bytes("inst/dev/updater/agent/AgentRuntime.classdata", compileRuntime("""
                        package dev.updater.agent;

                        public final class AgentRuntime {
                            public static void run(String args, java.lang.instrument.Instrumentation inst, boolean attached,
                                                   Runnable hookSettled) {
                                throw new IllegalStateException("called with " + args + ", attached " + attached
                                        + ", loaded by " + AgentRuntime.class.getClassLoader().getName()
                                        + ", context loader " + Thread.currentThread().getContextClassLoader().getName());
                            }
                        }
                        """))
                .write(directory.resolve("updater.jar"));

        List<String> stderr = stderrOfRun(new RuntimeLauncher(jar.toUri().toURL(), "a=b,c=d", null, true, false));

        assertEquals(List.of("updater: agent disabled: it stopped on an unexpected error: java.lang.IllegalStateException:"
                + " called with a=b,c=d, attached true, loaded by updater, context loader updater"), stderr);
    }

    @Test
    void run_jarWithoutTheRuntime_printsOneUpdaterLine() throws Exception {
        Path jar = new TestJar().packedClass(Greeter.class).write(directory.resolve("updater.jar"));

        List<String> stderr = stderrOfRun(new RuntimeLauncher(jar.toUri().toURL(), null, null, false, false));

        assertEquals(List.of("updater: agent disabled: it could not start from " + jar
                + ": java.lang.ClassNotFoundException: dev.updater.agent.AgentRuntime"), stderr);
    }

    @Test
    void awaitHook_returnsOnceTheRuntimeSaysTheHookIsSettled_andFalseWhenTheTimeRunsOut() throws Exception {
        Path jar = new TestJar()
                .bytes("inst/dev/updater/agent/AgentRuntime.classdata", compileRuntime("""
                        package dev.updater.agent;

                        public final class AgentRuntime {
                            public static void run(String args, java.lang.instrument.Instrumentation inst, boolean attached,
                                                   Runnable hookSettled) throws Exception {
                                if (args.equals("settle")) {
                                    hookSettled.run();
                                }
                                Thread.sleep(60_000); // the agent's loop: the hook stays settled meanwhile
                            }
                        }
                        """))
                .write(directory.resolve("updater.jar"));
        RuntimeLauncher settling = new RuntimeLauncher(jar.toUri().toURL(), "settle", null, false, false);
        RuntimeLauncher silent = new RuntimeLauncher(jar.toUri().toURL(), "silent", null, false, false);
        Thread first = new Thread(settling, AgentBoot.THREAD_NAME);
        Thread second = new Thread(silent, AgentBoot.THREAD_NAME);
        first.setDaemon(true);
        second.setDaemon(true);
        first.start();
        second.start();

        assertTrue(settling.awaitHook(30_000));
        long started = System.nanoTime();
        assertFalse(silent.awaitHook(300));
        assertTrue(System.nanoTime() - started >= 300_000_000L, "waited the whole time");
        first.interrupt();
        second.interrupt();
    }

    @Test
    void awaitHook_afterARuntimeThatCouldNotStart_doesNotWait() throws Exception {
        Path notAJar = Files.writeString(directory.resolve("updater.jar"), "not a jar");
        RuntimeLauncher launcher = new RuntimeLauncher(notAJar.toUri().toURL(), null, null, false, false);
        stderrOfRun(launcher);

        assertTrue(launcher.awaitHook(0));
    }

    @Test
    void run_fileThatIsNoJar_printsOneUpdaterLine() throws Exception {
        Path notAJar = Files.writeString(directory.resolve("updater.jar"), "not a jar");

        List<String> stderr = stderrOfRun(new RuntimeLauncher(notAJar.toUri().toURL(), null, null, false, false));

        assertEquals(1, stderr.size(), stderr.toString());
        assertTrue(stderr.get(0).startsWith("updater: agent disabled: it could not start from " + notAJar
                + ": java.util.zip.ZipException: "), stderr.get(0));
    }

    @Test
    void cpuTicks_addsUserAndSystemTime_countingFieldsAfterTheLastParenthesis() throws Exception {
        // the command name (field 2) may hold blanks and parentheses of its own
        Path stat = Files.writeString(directory.resolve("stat"), "4242 (a) b (c)) S 1 4242 4242 0 -1 4194560 5021 0 3 0"
                + " 250 37 0 0 20 0 31 0 1839 5356355584 40156 18446744073709551615 1 1 0 0 0 0 4 0 16800975 0 0 0 17 1\n");

        assertEquals(287, RuntimeLauncher.cpuTicks(stat));
    }

    @Test
    void cpuTicks_isMinusOne_forAMissingOrCutFile() throws Exception {
        assertEquals(-1, RuntimeLauncher.cpuTicks(directory.resolve("missing")));
        assertEquals(-1, RuntimeLauncher.cpuTicks(Files.writeString(directory.resolve("cut"), "4242 (java) S 1 4242 42")));
        assertEquals(-1, RuntimeLauncher.cpuTicks(Files.writeString(directory.resolve("none"), "")));
    }

    @Test
    void cpuTicks_ofThisProcess_growsWithWork() {
        Path self = Path.of("/proc/self/stat");
        Assumptions.assumeTrue(Files.isReadable(self), "no /proc/self/stat: not Linux");
        long before = RuntimeLauncher.cpuTicks(self);
        long sink = 0;
        for (long end = System.nanoTime() + 300_000_000L; System.nanoTime() < end; ) {
            sink += Long.toString(sink).hashCode();
        }
        assertTrue(before >= 0 && RuntimeLauncher.cpuTicks(self) > before, before + " then " + RuntimeLauncher.cpuTicks(self)
                + " (" + sink + ")");
    }

    @Test
    void awaitHostStart_returnsOnceTheProcessIsQuiet_notAtOnce() throws Exception {
        Path stat = writeStat(directory.resolve("stat"), 1000);

        long started = System.nanoTime();
        RuntimeLauncher.awaitHostStart(stat, 60_000);
        long waited = (System.nanoTime() - started) / 1_000_000;

        long window = RuntimeLauncher.SAMPLE_MILLIS * RuntimeLauncher.QUIET_SAMPLES;
        assertTrue(waited >= window && waited < 30_000, "waited " + waited + " ms; a quiet window is " + window + " ms");
    }

    @Test
    void awaitHostStart_waitsForTheCap_whileTheProcessStaysBusy() throws Exception {
        Path stat = writeStat(directory.resolve("stat"), 1000);
        AtomicBoolean done = new AtomicBoolean();
        Thread busy = new Thread(() -> { // a host using a whole core: 2 ticks of 10 ms every 20 ms
            try {
                for (long ticks = 1000; !done.get(); ticks += 2) {
                    writeStat(stat, ticks);
                    Thread.sleep(20);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        busy.start();
        try {
            long started = System.nanoTime();
            RuntimeLauncher.awaitHostStart(stat, 800);
            long waited = (System.nanoTime() - started) / 1_000_000;

            assertTrue(waited >= 800, "returned after " + waited + " ms while the process was busy");
        } finally {
            done.set(true);
            busy.join();
        }
    }

    @Test
    void awaitHostStart_returnsAtOnce_whenTheCpuTimeCannotBeRead() {
        long started = System.nanoTime();
        RuntimeLauncher.awaitHostStart(directory.resolve("missing"), 60_000);
        long waited = (System.nanoTime() - started) / 1_000_000;

        // not one sample slept: a quiet window would take 200 ms, the cap a minute
        assertTrue(waited < RuntimeLauncher.SAMPLE_MILLIS * RuntimeLauncher.QUIET_SAMPLES, "waited " + waited + " ms");
    }

    /** Replaces {@code stat} whole (a reader never sees half a file) with a line holding {@code ticks} of CPU. */
    private static Path writeStat(Path stat, long ticks) throws Exception {
        Path temp = stat.resolveSibling(stat.getFileName() + ".tmp");
        Files.writeString(temp, "4242 (java) S 1 4242 4242 0 -1 4194560 5021 0 3 0 " + ticks + " 0 0 0 20 0 31 0\n");
        return Files.move(temp, stat, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Runs the launcher on its own thread, as AgentBoot does, and returns what it printed to System.err. */
    private static List<String> stderrOfRun(RuntimeLauncher launcher) throws InterruptedException {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.err;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            Thread thread = new Thread(launcher, AgentBoot.THREAD_NAME);
            thread.start();
            thread.join();
        } finally {
            System.setErr(original);
        }
        return captured.toString(StandardCharsets.UTF_8).lines().toList();
    }

    private byte[] compileRuntime(String source) throws Exception {
        Path sourceFile = directory.resolve("src/dev/updater/agent/AgentRuntime.java");
        Files.createDirectories(sourceFile.getParent());
        Files.writeString(sourceFile, source);
        Path classes = Files.createDirectories(directory.resolve("classes"));
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        int exitCode = compiler.run(null, null, null, "--release", "17", "-d", classes.toString(), sourceFile.toString());
        assertEquals(0, exitCode, "the test runtime did not compile");
        return Files.readAllBytes(classes.resolve("dev/updater/agent/AgentRuntime.class"));
    }
}
