import java.lang.instrument.Instrumentation;

/**
 * An empty agent that, like ours, starts one daemon thread in premain (which then sleeps): the
 * floor for an agent built as DESIGN §7 says. Packed as thread-agent.jar by run.sh.
 */
public final class IdleThreadAgent {
    public static void premain(String args, Instrumentation instrumentation) {
        Thread thread = new Thread(new Runnable() {
            @Override
            public void run() {
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException e) {
                    // the JVM exits
                }
            }
        }, "idle-agent");
        thread.setDaemon(true);
        thread.start();
    }
}
