package dev.updater.agent.isolation.host;

import java.util.List;

/**
 * A host whose logging backend keeps the agent thread busy forever ({@code -Dprobe.block-agent=true}):
 * its main must still run and its JVM still exit when main returns.
 */
public final class HostWithBusyAgent {
    private HostWithBusyAgent() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println("main started");
        AgentProbe.awaitAgentReport().stream().limit(1).forEach(System.out::println);
        List<Thread> agentThreads = Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().equals("updater-agent"))
                .toList();
        System.out.println("threads named updater-agent: " + agentThreads.size()
                + ", daemon: " + agentThreads.stream().allMatch(Thread::isDaemon)
                + ", alive: " + agentThreads.stream().allMatch(Thread::isAlive));
        System.out.println("main returns");
    }
}
