package dev.updater.agent;

import dev.updater.agent.bind.BindHook;
import dev.updater.agent.config.AgentConfig;
import dev.updater.agent.config.AgentConfigLoader;
import dev.updater.agent.host.HostLock;
import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.lang.instrument.Instrumentation;
import java.lang.management.ManagementFactory;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The agent's real entry, called by the boot jar on the {@code updater-agent} daemon thread,
 * inside the agent's isolated class loader. Everything heavy starts here, never on the host's
 * main thread.
 */
public final class AgentRuntime {
    private static final Logger LOG = System.getLogger("updater");
    /** {@code AgentBoot.DISABLED_PROPERTY}: what disabled the agent, for {@code updater-sidecar attach}. */
    static final String DISABLED_PROPERTY = "updater.agent.disabled";
    /** The home, set once the first agent.json is written there: {@code updater-sidecar attach} reports it. */
    static final String HOME_PROPERTY = "updater.agent.home";

    private AgentRuntime() {
    }

    /**
     * Runs the agent until the host exits. Never throws into the boot code: every failure is
     * logged once and disables the agent, never the host.
     *
     * @param agentArgs the text after {@code -javaagent:updater.jar=}, or null
     * @param instrumentation the JVM's instrumentation, kept in {@link InstrumentationHolder}
     * @param attached true when loaded into a running JVM ({@code agentmain})
     * @param hookSettled run once the bind hook is installed, has failed, or will not be installed:
     *        {@code premain} may be waiting for it (overlap mode, {@code AgentBoot})
     */
    public static void run(String agentArgs, Instrumentation instrumentation, boolean attached,
                           Runnable hookSettled) {
        InstrumentationHolder.keep(instrumentation);
        try {
            // Overlap mode: premain waits for the hook, so it goes in before the configuration is read
            // (the Ed25519 provider alone takes 100-150 ms); the sidecar asked for it, and a configuration
            // that then disables the agent leaves it harmless: sockets bound with SO_REUSEPORT, events dropped.
            boolean early = !attached && BindHook.reusePortRequested(System.getenv());
            BindHook earlyHook = early ? installBindHook(instrumentation) : null;
            if (early) {
                hookSettled.run();
            }
            AgentConfig config = AgentConfigLoader.load(agentArgs, System.getProperties(), System.getenv());
            if (!config.enabled()) {
                LOG.log(Level.INFO, "updater agent disabled by enabled=false");
                System.setProperty(DISABLED_PROPERTY, "updater agent disabled by enabled=false");
                return;
            }
            Supplier<BindHook> bindHook;
            if (attached) {
                // The host bound its sockets long ago, and the hook takes 50 to 100 ms: the first agent.json,
                // which updater-sidecar attach waits for, is written first, and the hook installed after it.
                bindHook = () -> installBindHook(instrumentation);
            } else {
                BindHook installed = early ? earlyHook : installBindHook(instrumentation);
                hookSettled.run();
                bindHook = () -> installed;
            }
            Agent.start(config, agentVersion(), bindHook).run();
        } catch (UpdaterException e) {
            LOG.log(Level.ERROR, e.getMessage());
            System.setProperty(DISABLED_PROPERTY, e.getMessage());
            if (e.code() == ErrorCode.CONFIG_INVALID) {
                keepUntilExit(DisabledAgentRecord.write(agentArgs, System.getProperties(), System.getenv(),
                        agentVersion(), e.getMessage()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            LOG.log(Level.ERROR, "updater agent stopped by an unexpected error; the host runs on without updates."
                    + " Please report it.", t);
            System.setProperty(DISABLED_PROPERTY, "updater agent stopped by an unexpected error: " + t);
        } finally {
            hookSettled.run();
        }
    }

    /** The hook, or null (with one line saying what that costs) when this JVM refused it. */
    private static BindHook installBindHook(Instrumentation instrumentation) {
        boolean reusePort = BindHook.reusePortRequested(System.getenv());
        // The CPU time needs JMX, loaded only when the line is shown (the bench shows it).
        boolean measure = LOG.isLoggable(Level.DEBUG);
        long cpuStarted = measure ? ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() : 0;
        long started = System.nanoTime();
        try {
            BindHook hook = BindHook.install(instrumentation, reusePort);
            if (measure) {
                LOG.log(Level.DEBUG, "updater bind hook installed in " + (System.nanoTime() - started) / 1_000_000
                        + " ms (" + (ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpuStarted)
                        / 1_000_000 + " ms CPU)" + (reusePort ? ", setting SO_REUSEPORT" : ""));
            }
            return hook;
        } catch (Throwable t) {
            LOG.log(Level.WARNING, "updater agent: the bind hook could not be installed (" + t + "), so this host's"
                    + " listening addresses are not recorded in agent.json"
                    + (reusePort ? " and its sockets are bound without SO_REUSEPORT" : "")
                    + "; the sidecar's gate relies on --min-uptime and --health-url. Please report it.");
            return null;
        }
    }

    /**
     * A disabled agent that recorded its error keeps host.lock for the host's life, as a working one does,
     * so {@code status} shows the host running; this daemon thread holds the reference and nothing else.
     */
    private static void keepUntilExit(Optional<HostLock> lock) {
        if (lock.isEmpty()) {
            return;
        }
        try {
            while (lock.get().isValid()) {
                Thread.sleep(Long.MAX_VALUE);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String agentVersion() {
        String version = AgentRuntime.class.getPackage() == null ? null
                : AgentRuntime.class.getPackage().getImplementationVersion();
        return version == null ? "development" : version;
    }
}
