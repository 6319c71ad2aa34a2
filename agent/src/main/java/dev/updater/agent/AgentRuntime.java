package dev.updater.agent;

import dev.updater.agent.config.AgentConfig;
import dev.updater.agent.config.AgentConfigLoader;
import dev.updater.agent.host.HostLock;
import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.lang.instrument.Instrumentation;
import java.util.Optional;

/**
 * The agent's real entry, called by the boot jar on the {@code updater-agent} daemon thread,
 * inside the agent's isolated class loader. Everything heavy starts here, never on the host's
 * main thread.
 */
public final class AgentRuntime {
    private static final Logger LOG = System.getLogger("updater");

    private AgentRuntime() {
    }

    /**
     * Runs the agent until the host exits. Never throws into the boot code: every failure is
     * logged once and disables the agent, never the host.
     *
     * @param agentArgs the text after {@code -javaagent:updater.jar=}, or null
     * @param instrumentation the JVM's instrumentation, kept in {@link InstrumentationHolder}
     * @param attached true when loaded into a running JVM ({@code agentmain})
     */
    public static void run(String agentArgs, Instrumentation instrumentation, boolean attached) {
        InstrumentationHolder.keep(instrumentation);
        try {
            AgentConfig config = AgentConfigLoader.load(agentArgs, System.getProperties(), System.getenv());
            if (!config.enabled()) {
                LOG.log(Level.INFO, "updater agent disabled by enabled=false");
                return;
            }
            Agent.start(config, agentVersion()).run();
        } catch (UpdaterException e) {
            LOG.log(Level.ERROR, e.getMessage());
            if (e.code() == ErrorCode.CONFIG_INVALID) {
                keepUntilExit(DisabledAgentRecord.write(agentArgs, System.getProperties(), System.getenv(),
                        agentVersion(), e.getMessage()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            LOG.log(Level.ERROR, "updater agent stopped by an unexpected error; the host runs on without updates."
                    + " Please report it.", t);
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
