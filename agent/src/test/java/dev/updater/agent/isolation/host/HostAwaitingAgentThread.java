package dev.updater.agent.isolation.host;

/** A host that only waits for the agent thread to end, so whatever it prints is printed. */
public final class HostAwaitingAgentThread {
    private HostAwaitingAgentThread() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println("host started");
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().equals("updater-agent")) {
                thread.join(20_000);
            }
        }
        System.out.println("host finished");
    }
}
