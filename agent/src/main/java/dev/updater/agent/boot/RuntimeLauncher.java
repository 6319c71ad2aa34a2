package dev.updater.agent.boot;

import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The body of the {@code updater-agent} thread: opens the agent jar in an {@link AgentClassLoader}
 * and calls {@code dev.updater.agent.AgentRuntime.run} through it.
 *
 * <p>Everything that reads the jar happens here, off the host's main thread. Failures print one
 * {@code updater: } line to {@code System.err} and end the thread; the host runs on.
 */
final class RuntimeLauncher implements Runnable {
    static final String RUNTIME_CLASS = "dev.updater.agent.AgentRuntime";
    /** How often the host's CPU time is read, and how many readings make the window that must be quiet. */
    static final long SAMPLE_MILLIS = 50;
    static final int QUIET_SAMPLES = 4;
    /** At most this much CPU (clock ticks of 10 ms: 20 ms) in the window (200 ms): a tenth of one core. */
    static final long QUIET_TICKS = 2;
    /** A host that stays busy (a batch job, a load from its first second) waits no longer than this. */
    static final long START_CAP_MILLIS = 3000;

    private final URL agentJar;
    private final String agentArgs;
    private final Instrumentation instrumentation;
    private final boolean attached;
    private final boolean awaitHostStart;
    /** Guarded by {@code this}: the runtime has installed the bind hook, given up on it, or ended. */
    private boolean hookSettled;

    /** @param awaitHostStart let the host's start go first ({@link #awaitHostStart(Path, long)}) */
    RuntimeLauncher(URL agentJar, String agentArgs, Instrumentation instrumentation, boolean attached,
                    boolean awaitHostStart) {
        this.agentJar = agentJar;
        this.agentArgs = agentArgs;
        this.instrumentation = instrumentation;
        this.attached = attached;
        this.awaitHostStart = awaitHostStart;
    }

    @Override
    public void run() {
        try {
            if (awaitHostStart) {
                awaitHostStart(Path.of("/proc/self/stat"), START_CAP_MILLIS);
            }
            ClassLoader loader = AgentClassLoader.open(Path.of(agentJar.toURI()));
            Thread.currentThread().setContextClassLoader(loader);
            Class<?> runtime = Class.forName(RUNTIME_CLASS, true, loader);
            Method run = runtime.getMethod("run", String.class, Instrumentation.class, boolean.class, Runnable.class);
            run.invoke(null, agentArgs, instrumentation, attached, (Runnable) this::settleHook);
        } catch (InvocationTargetException e) {
            // The runtime promises never to throw; if it does anyway, say so rather than hide it.
            System.err.println("updater: agent disabled: it stopped on an unexpected error: " + e.getCause());
        } catch (Throwable t) {
            System.err.println("updater: agent disabled: it could not start from " + jarName() + ": " + t);
        } finally {
            settleHook();
        }
    }

    /**
     * Lets the host's start go first. On two cores the agent's own start (its class loader, the bind hook,
     * the configuration and key, Jackson, agent.json, JMX: 100-150 ms of CPU, and the JIT work it causes)
     * took 70-130 ms from a server's first answer (bench/agent/first-answer.sh); nothing in it is due
     * sooner (the first check is 30 s away by default). The host has started when the whole process has
     * used at most a tenth of one core for 200 ms ({@code /proc/self/stat}: the host's threads, its JIT
     * and its GC together; the state of its main thread says too little, as a main blocked in a native
     * read or accept counts as runnable), or after {@code capMillis}. Listeners the host bound
     * meanwhile are found in {@code /proc} once the hook is in, which is why premain asks for this on
     * Linux only. Returns at once when the process's CPU time cannot be read.
     */
    static void awaitHostStart(Path stat, long capMillis) {
        long[] ticks = new long[QUIET_SAMPLES + 1];
        long deadline = System.nanoTime() + capMillis * 1_000_000L;
        try {
            for (int n = 0; System.nanoTime() < deadline; n++) {
                long now = cpuTicks(stat);
                if (now < 0) {
                    return;
                }
                ticks[n % ticks.length] = now;
                if (n >= QUIET_SAMPLES && now - ticks[(n - QUIET_SAMPLES) % ticks.length] <= QUIET_TICKS) {
                    return;
                }
                Thread.sleep(SAMPLE_MILLIS);
            }
        } catch (InterruptedException e) {
            // nobody but the JVM owns this thread: an interrupt ends the wait, and the agent starts
        }
    }

    /**
     * User and system time of the whole process in clock ticks, from {@code /proc/self/stat} (fields 14
     * and 15, counted after the command name's closing parenthesis, which may itself hold blanks), or
     * -1 when it cannot be read.
     */
    static long cpuTicks(Path stat) {
        try {
            String text = new String(Files.readAllBytes(stat), StandardCharsets.ISO_8859_1);
            int close = text.lastIndexOf(')');
            String[] fields = text.substring(close + 2).split(" "); // fields[0] is field 3; a one-blank split needs no regex
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (Exception e) { // unreadable, or not the format above
            return -1;
        }
    }

    /**
     * Waits at most {@code millis} until the runtime has settled the bind hook (installed, failed,
     * or not to be installed). Called by {@code premain} on the host's main thread in overlap mode
     * only, so that no listener the host binds misses {@code SO_REUSEPORT}. Uses this object's
     * monitor: no class beyond what premain has already loaded.
     *
     * @return false when the time ran out first
     */
    synchronized boolean awaitHook(long millis) {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        boolean interrupted = false;
        try {
            while (!hookSettled) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    wait(left / 1_000_000L + 1); // rounded up: never gives up before the deadline
                } catch (InterruptedException e) {
                    interrupted = true; // the host's own interrupt: kept for its code, not ours to act on
                }
            }
            return true;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private synchronized void settleHook() {
        hookSettled = true;
        notifyAll();
    }

    private String jarName() {
        try {
            return Path.of(agentJar.toURI()).toString();
        } catch (Exception e) {
            return agentJar.toString();
        }
    }
}
