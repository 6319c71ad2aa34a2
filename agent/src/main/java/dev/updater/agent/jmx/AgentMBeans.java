package dev.updater.agent.jmx;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * Registers the agent's MXBean. A runtime without {@code java.management} (a trimmed image) simply
 * has no MBean; the agent works on without it.
 */
public final class AgentMBeans {
    public static final String NAME = "dev.updater:type=UpdaterAgent";
    private static final Logger LOG = System.getLogger("updater");

    private AgentMBeans() {
    }

    public static void register(UpdaterAgentMXBean bean) {
        if (ModuleLayer.boot().findModule("java.management").isEmpty()) {
            LOG.log(Level.DEBUG, "java.management is not in this runtime; the updater MBean is not registered");
            return;
        }
        try {
            javax.management.MBeanServer server = java.lang.management.ManagementFactory.getPlatformMBeanServer();
            javax.management.ObjectName name = new javax.management.ObjectName(NAME);
            if (server.isRegistered(name)) {
                server.unregisterMBean(name);
            }
            server.registerMBean(bean, name);
        } catch (Exception | LinkageError e) {
            LOG.log(Level.WARNING, "Could not register the updater MBean " + NAME + ": " + e
                    + "; updates go on, only JMX is missing.");
        }
    }
}
