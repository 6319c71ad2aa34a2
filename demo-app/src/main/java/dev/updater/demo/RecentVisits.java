package dev.updater.demo;

import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;
import javax.management.JMException;
import javax.management.ObjectName;

/**
 * The times of the last {@value #KEPT} visits, in memory only: lost by a plain restart, handed from one
 * version to the next by updater's state hand-off ({@link StateHandoffMXBean}). The visit counter, by
 * contrast, lives in the data file. Thread-safe.
 */
final class RecentVisits implements StateHandoffMXBean {
    static final int KEPT = 10;
    static final String MBEAN_NAME = "dev.updater:type=StateHandoff";

    private final Deque<Instant> times = new ArrayDeque<>(); // guarded by this
    private final Consumer<String> log;

    RecentVisits(Consumer<String> log) {
        this.log = log;
    }

    /** Offers the hand-off to updater's agent; without {@code java.management} the app simply has none. */
    void register() {
        try {
            ManagementFactory.getPlatformMBeanServer().registerMBean(this, new ObjectName(MBEAN_NAME));
        } catch (JMException | RuntimeException | LinkageError e) {
            log.accept("no state hand-off (" + e + "): the recent visits start empty after an update");
        }
    }

    /** At stop: a JVM that starts the service again (a test) registers it again. */
    void unregister() {
        try {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(new ObjectName(MBEAN_NAME));
        } catch (JMException | RuntimeException | LinkageError e) {
            // not registered: nothing to undo
        }
    }

    synchronized void add(Instant at) {
        times.addLast(at);
        while (times.size() > KEPT) {
            times.removeFirst();
        }
    }

    /** Oldest first. */
    synchronized List<Instant> list() {
        return List.copyOf(times);
    }

    /** One ISO time a line, oldest first. */
    @Override
    public synchronized String save() {
        StringBuilder out = new StringBuilder();
        for (Instant t : times) {
            out.append(t).append('\n');
        }
        return out.toString();
    }

    /** The saved times go before any counted since this version started; a line that is no time is skipped. */
    @Override
    public synchronized void restore(String state) {
        List<Instant> restored = new ArrayList<>();
        for (String line : state.split("\n")) {
            try {
                restored.add(Instant.parse(line.strip()));
            } catch (DateTimeParseException e) {
                // not ours (an older format, an edit): the rest is still worth having
            }
        }
        List<Instant> since = new ArrayList<>(times);
        times.clear();
        restored.forEach(this::add);
        since.forEach(this::add);
        log.accept("restored " + restored.size() + " recent visits handed over by the previous version");
    }
}
