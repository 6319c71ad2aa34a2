package dev.updater.agent.boot;

import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
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

    private final URL agentJar;
    private final String agentArgs;
    private final Instrumentation instrumentation;
    private final boolean attached;
    /** Guarded by {@code this}: the runtime has installed the bind hook, given up on it, or ended. */
    private boolean hookSettled;

    RuntimeLauncher(URL agentJar, String agentArgs, Instrumentation instrumentation, boolean attached) {
        this.agentJar = agentJar;
        this.agentArgs = agentArgs;
        this.instrumentation = instrumentation;
        this.attached = attached;
    }

    @Override
    public void run() {
        try {
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
