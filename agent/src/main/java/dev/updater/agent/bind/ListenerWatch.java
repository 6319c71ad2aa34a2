package dev.updater.agent.bind;

import dev.updater.core.home.AgentRecord.Listener;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.lang.ref.WeakReference;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.function.Consumer;

/**
 * The agent's {@code updater-agent-listeners} thread: takes the bind hook's events off the host's
 * threads and keeps the list of open listeners, handing every change to the agent (which rewrites
 * {@code agent.json}) at once, a burst of events as one change. Its own thread, not the poll loop,
 * so that a listener is on record within milliseconds even while a download holds the loop.
 *
 * <p>A socket is known by identity, held weakly: a listener the host drops without closing leaves
 * the list at the next change once it is collected (its file descriptor is closed by the JDK's
 * cleaner then). Listeners the host bound before the hook was in are added once at start
 * ({@link ListenersBeforeHook}, Linux), with {@code reusePort=false} and no identity: their close is
 * not seen.
 */
public final class ListenerWatch {
    private static final Logger LOG = System.getLogger("updater");
    static final String THREAD_NAME = "updater-agent-listeners";

    private final BlockingQueue<Object[]> events;
    private final Consumer<List<Listener>> onChange;
    private final List<Open> open = new ArrayList<>();

    ListenerWatch(BlockingQueue<Object[]> events, Consumer<List<Listener>> onChange) {
        this.events = events;
        this.onChange = onChange;
    }

    /**
     * Starts the daemon thread that follows {@code hook}'s events until the JVM exits. Listeners bound
     * before the hook get its install time as their {@code boundAt} (theirs is unknown; no later).
     */
    public static Thread start(BindHook hook, Consumer<List<Listener>> onChange) {
        ListenerWatch watch = new ListenerWatch(hook.events(), onChange);
        Thread thread = new Thread(() -> watch.run(hook.installedAt()), THREAD_NAME);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    void run(Instant hookInstalledAt) {
        try {
            boolean queued = false;
            for (Object[] event = events.poll(); event != null; event = events.poll()) {
                queued |= apply(event);
            }
            if (addEarlier(earlier(), hookInstalledAt) || queued) {
                report();
            }
            while (true) {
                boolean changed = apply(events.take());
                for (Object[] more = events.poll(); more != null; more = events.poll()) {
                    changed |= apply(more);
                }
                if (changed) {
                    report();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The /proc scan; a fault in it costs the earlier listeners, never this thread (binds still come). */
    private static List<InetSocketAddress> earlier() {
        try {
            return ListenersBeforeHook.find();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "updater agent: the listeners bound before the bind hook could not be read from"
                    + " /proc (" + e + "); later ones are recorded");
            return List.of();
        }
    }

    /** Hands the list on; a failure to record it is logged and the next change tries again. */
    private void report() {
        try {
            onChange.accept(listeners());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "updater agent: the listening addresses could not be recorded (" + e + ")");
        }
    }

    /** Adds the listeners found bound before the hook, but none the hook has reported meanwhile. */
    boolean addEarlier(List<InetSocketAddress> found, Instant hookInstalledAt) {
        boolean changed = false;
        for (InetSocketAddress local : found) {
            String address = local.getAddress().getHostAddress();
            boolean known = open.stream().anyMatch(entry -> entry.listener().port() == local.getPort()
                    && entry.listener().address().equals(address));
            if (!known) {
                open.add(new Open(null, new Listener(address, local.getPort(), hookInstalledAt, false)));
                changed = true;
            }
        }
        return changed;
    }

    /** Applies one event; true when the list changed. */
    boolean apply(Object[] event) {
        boolean changed = open.removeIf(entry -> entry.socket() != null && entry.socket().get() == null);
        int kind = (Integer) event[0];
        Object socket = event[1];
        if (kind == BindBridge.BOUND) {
            InetSocketAddress local = (InetSocketAddress) event[2];
            String address = local.getAddress().getHostAddress();
            // The /proc scan at start may have run between the bind and this event (a host binding while the
            // watch starts): the hook's report, which knows the socket and its SO_REUSEPORT, replaces that entry.
            open.removeIf(entry -> entry.socket() == null && entry.listener().port() == local.getPort()
                    && entry.listener().address().equals(address));
            open.add(new Open(new WeakReference<>(socket), new Listener(address, local.getPort(), (Instant) event[4],
                    (Boolean) event[3])));
            return true;
        }
        return open.removeIf(entry -> entry.socket() != null && entry.socket().get() == socket) || changed;
    }

    List<Listener> listeners() {
        return open.stream().map(Open::listener).toList();
    }

    /** @param socket the host's socket, or null for one bound before the hook */
    private record Open(WeakReference<Object> socket, Listener listener) {
    }
}
