package dev.updater.agent;

import dev.updater.agent.config.AgentConfig;
import dev.updater.agent.config.AgentConfigLoader;
import dev.updater.core.UpdaterException;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.lang.instrument.Instrumentation;

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
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            LOG.log(Level.ERROR, "updater agent stopped by an unexpected error; the host runs on without updates."
                    + " Please report it.", t);
        }
    }

    private static String agentVersion() {
        String version = AgentRuntime.class.getPackage() == null ? null
                : AgentRuntime.class.getPackage().getImplementationVersion();
        return version == null ? "development" : version;
    }
}
