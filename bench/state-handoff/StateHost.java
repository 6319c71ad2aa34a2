import java.lang.management.ManagementFactory;
import javax.management.ObjectName;

/**
 * Bench host: registers a dev.updater:type=StateHandoff MXBean whose save() returns a state of the size
 * given as the first argument (bytes), as docs/state-handoff.md shows, then runs until killed.
 */
public final class StateHost {
    public interface StateMXBean {
        String save();

        void restore(String state);
    }

    private record State(String text) implements StateMXBean {
        @Override
        public String save() {
            return text;
        }

        @Override
        public void restore(String state) {
        }
    }

    public static void main(String[] args) throws Exception {
        int bytes = Integer.parseInt(args[0]);
        ManagementFactory.getPlatformMBeanServer().registerMBean(new State("v".repeat(bytes)),
                new ObjectName("dev.updater:type=StateHandoff"));
        System.out.println("host up, state of " + bytes + " bytes");
        Thread.sleep(Long.MAX_VALUE);
    }
}
