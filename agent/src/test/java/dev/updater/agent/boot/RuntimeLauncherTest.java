package dev.updater.agent.boot;

import dev.updater.agent.boot.testjar.Greeter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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

        List<String> stderr = stderrOfRun(new RuntimeLauncher(jar.toUri().toURL(), "a=b,c=d", null, true));

        assertEquals(List.of("updater: agent disabled: it stopped on an unexpected error: java.lang.IllegalStateException:"
                + " called with a=b,c=d, attached true, loaded by updater, context loader updater"), stderr);
    }

    @Test
    void run_jarWithoutTheRuntime_printsOneUpdaterLine() throws Exception {
        Path jar = new TestJar().packedClass(Greeter.class).write(directory.resolve("updater.jar"));

        List<String> stderr = stderrOfRun(new RuntimeLauncher(jar.toUri().toURL(), null, null, false));

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
        RuntimeLauncher settling = new RuntimeLauncher(jar.toUri().toURL(), "settle", null, false);
        RuntimeLauncher silent = new RuntimeLauncher(jar.toUri().toURL(), "silent", null, false);
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
        RuntimeLauncher launcher = new RuntimeLauncher(notAJar.toUri().toURL(), null, null, false);
        stderrOfRun(launcher);

        assertTrue(launcher.awaitHook(0));
    }

    @Test
    void run_fileThatIsNoJar_printsOneUpdaterLine() throws Exception {
        Path notAJar = Files.writeString(directory.resolve("updater.jar"), "not a jar");

        List<String> stderr = stderrOfRun(new RuntimeLauncher(notAJar.toUri().toURL(), null, null, false));

        assertEquals(1, stderr.size(), stderr.toString());
        assertTrue(stderr.get(0).startsWith("updater: agent disabled: it could not start from " + notAJar
                + ": java.util.zip.ZipException: "), stderr.get(0));
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
