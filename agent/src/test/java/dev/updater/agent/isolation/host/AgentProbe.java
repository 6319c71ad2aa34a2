package dev.updater.agent.isolation.host;

import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The test hosts' logging backend: the agent logs through {@code System.Logger}, so its first
 * record on logger {@code updater} arrives here, on the agent's own thread. From there the probe
 * reports what the host could never see otherwise: the thread, its context class loader, and the
 * classes (Jackson, updater-core) that loader has.
 *
 * <p>With {@code -Dprobe.block-agent=true} it then keeps the agent thread busy forever, standing
 * in for a slow agent.
 */
public final class AgentProbe extends System.LoggerFinder {
    private static final AtomicBoolean SEEN = new AtomicBoolean();
    private static final CountDownLatch REPORTED = new CountDownLatch(1);
    private static final List<String> REPORT = new CopyOnWriteArrayList<>();
    private static volatile Thread agentThread;

    @Override
    public System.Logger getLogger(String name, Module module) {
        return new ProbeLogger(name);
    }

    /** Waits for the agent's first record and returns what the probe saw then. */
    public static List<String> awaitAgentReport() throws InterruptedException {
        if (!REPORTED.await(20, TimeUnit.SECONDS)) {
            return List.of("the agent logged nothing on logger updater within 20 s");
        }
        return List.copyOf(REPORT);
    }

    /** The thread the agent logged from, once {@link #awaitAgentReport()} returned. */
    public static Thread agentThread() {
        return agentThread;
    }

    private static void onRecord(String loggerName) {
        if (!"updater".equals(loggerName) || !SEEN.compareAndSet(false, true)) {
            return;
        }
        Thread thread = Thread.currentThread();
        agentThread = thread;
        try {
            ClassLoader agentLoader = thread.getContextClassLoader();
            REPORT.add("agent thread: " + thread.getName() + ", daemon: " + thread.isDaemon()
                    + ", context loader: " + agentLoader.getName());
            Class<?> runtime = Class.forName("dev.updater.agent.AgentRuntime", false, agentLoader);
            REPORT.add("agent runtime: loader " + runtime.getClassLoader().getName()
                    + ", package version " + runtime.getPackage().getImplementationVersion());
            Class<?> jackson = Class.forName("com.fasterxml.jackson.databind.cfg.PackageVersion", true, agentLoader);
            REPORT.add("agent jackson-databind: " + jackson.getField("VERSION").get(null)
                    + ", loader " + jackson.getClassLoader().getName()
                    + ", package version " + jackson.getPackage().getImplementationVersion());
            Class<?> core = Class.forName("dev.updater.core.manifest.Manifest", false, agentLoader);
            REPORT.add("agent updater-core: loader " + core.getClassLoader().getName());
        } catch (Throwable t) {
            REPORT.add("probe failed: " + t);
        }
        REPORTED.countDown();
        if (Boolean.getBoolean("probe.block-agent")) {
            blockForever();
        }
    }

    private static void blockForever() {
        CountDownLatch never = new CountDownLatch(1);
        while (true) {
            try {
                never.await();
            } catch (InterruptedException e) {
                // Stay busy: the point is that the host exits anyway.
            }
        }
    }

    private static final class ProbeLogger implements System.Logger {
        private final String name;

        ProbeLogger(String name) {
            this.name = name;
        }

        @Override
        public String getName() {
            return name;
        }

        @Override
        public boolean isLoggable(Level level) {
            return true;
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String message, Throwable thrown) {
            onRecord(name);
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            onRecord(name);
        }
    }
}
