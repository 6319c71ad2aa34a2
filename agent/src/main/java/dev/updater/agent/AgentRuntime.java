package dev.updater.agent;

import java.lang.instrument.Instrumentation;

/**
 * The agent's real entry, called by the boot jar on the {@code updater-agent} daemon thread,
 * inside the agent's isolated class loader. Everything heavy starts here, never on the host's
 * main thread.
 */
public final class AgentRuntime {
    private AgentRuntime() {
    }

    /**
     * Runs the agent until the host exits. Never throws into the boot code: every failure is
     * logged and disables the agent, never the host.
     *
     * @param agentArgs the text after {@code -javaagent:updater.jar=}, or null
     * @param instrumentation the JVM's instrumentation, for readiness detection
     * @param attached true when loaded into a running JVM ({@code agentmain})
     */
    public static void run(String agentArgs, Instrumentation instrumentation, boolean attached) {
        System.getLogger("updater").log(System.Logger.Level.INFO, "updater agent loaded (args: " + agentArgs + ")");
    }
}
