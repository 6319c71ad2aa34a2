/** Bench host: a JVM that runs until killed, started without an agent, for updater-sidecar attach to load one into. */
public final class SleepingHost {
    private SleepingHost() {
    }

    public static void main(String[] args) throws InterruptedException {
        System.out.println("host up");
        Thread.sleep(Long.MAX_VALUE);
    }
}
