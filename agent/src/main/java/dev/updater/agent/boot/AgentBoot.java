package dev.updater.agent.boot;

import java.lang.instrument.Instrumentation;
import java.net.URL;

/**
 * The agent jar's {@code Premain-Class} and {@code Agent-Class}: starts the {@code updater-agent}
 * daemon thread and returns.
 *
 * <p>This class and {@link AgentClassLoader} are the only classes the host can see: the JVM puts
 * the agent jar on the system class path, so everything else (the runtime, updater-core, Jackson,
 * semver4j) is stored as {@code inst/**.classdata} and loaded only by the agent's own loader.
 *
 * <p>Runs on the host's main thread before its {@code main}, so it does nothing heavy: no jar
 * reading, no class loader, no lambda (the first lambda in a JVM costs milliseconds). It checks
 * the syntax of the agent arguments ({@link ArgumentSyntax}, a few microseconds) so that a typo is
 * reported even by a host that exits at once, and then starts no thread. It never throws into the
 * host and never exits it.
 */
public final class AgentBoot {
    /** The name of the one thread the agent starts; the host sees it in thread dumps. */
    static final String THREAD_NAME = "updater-agent";

    private AgentBoot() {
    }

    /** Called by the JVM for {@code -javaagent:updater.jar[=args]}, before the host's main. */
    public static void premain(String agentArgs, Instrumentation instrumentation) {
        start(agentArgs, instrumentation, false);
    }

    /** Called by the JVM when the agent is attached to a running JVM. */
    public static void agentmain(String agentArgs, Instrumentation instrumentation) {
        start(agentArgs, instrumentation, true);
    }

    private static void start(String agentArgs, Instrumentation instrumentation, boolean attached) {
        try {
            String badConfiguration = ArgumentSyntax.badConfigurationLine(agentArgs);
            if (badConfiguration != null) {
                // Said here, not on the thread: a host that exits at once would end before the thread
                // speaks. Standard error, not System.Logger: starting the host's logging before its main
                // breaks hosts that choose their log manager in main (java.util.logging.manager).
                System.err.println(badConfiguration);
                return;
            }
            URL agentJar = AgentBoot.class.getProtectionDomain().getCodeSource().getLocation();
            Thread thread = new Thread(
                    new RuntimeLauncher(agentJar, agentArgs, instrumentation, attached), THREAD_NAME);
            // A daemon, so the agent never delays the host's exit.
            thread.setDaemon(true);
            thread.start();
        } catch (Throwable t) {
            // Threat: an exception out of premain makes the JVM abort the host's start.
            System.err.println("updater: agent disabled: it could not start: " + t);
        }
    }
}
