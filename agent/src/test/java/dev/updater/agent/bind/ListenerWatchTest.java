package dev.updater.agent.bind;

import dev.updater.core.home.AgentRecord.Listener;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ListenerWatchTest {
    private static final Instant T = Instant.parse("2026-11-30T06:00:00Z");
    private final List<List<Listener>> changes = new ArrayList<>();
    private final ListenerWatch watch = new ListenerWatch(new ArrayBlockingQueue<>(8), changes::add);

    @Test
    void aBoundSocket_isListed_untilThatVerySocketCloses() throws Exception {
        Object first = new Object();
        Object second = new Object();
        assertTrue(watch.apply(bound(first, "0.0.0.0", 8080, true)));
        assertTrue(watch.apply(bound(second, "127.0.0.1", 9090, false)));

        assertFalse(watch.apply(new Object[] {BindBridge.CLOSED, new Object()}), "a socket never bound");
        assertTrue(watch.apply(new Object[] {BindBridge.CLOSED, first}));

        assertEquals(List.of(new Listener("127.0.0.1", 9090, T, false)), watch.listeners());
    }

    @Test
    void listenersFoundBeforeTheHook_areAdded_unlessTheHookReportedThemMeanwhile() throws Exception {
        Object seen = new Object();
        watch.apply(bound(seen, "127.0.0.1", 9090, true));
        Instant hookAt = T.plusSeconds(1);

        assertTrue(watch.addEarlier(List.of(
                new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 9090),
                new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 8080)), hookAt));

        assertEquals(List.of(new Listener("127.0.0.1", 9090, T, true), new Listener("0.0.0.0", 8080, hookAt, false)),
                watch.listeners());
        assertFalse(watch.apply(new Object[] {BindBridge.CLOSED, new Object()}), "an earlier one has no socket to close");
    }

    @Test
    void aListenerFoundInProc_thenReportedByTheHook_isListedOnce_asTheHookSawIt() throws Exception {
        // The host bound between the watch's first drain of the queue and its /proc scan: both saw the socket.
        Instant hookAt = T.minusSeconds(1);
        watch.addEarlier(List.of(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 9090)), hookAt);
        Object socket = new Object();

        assertTrue(watch.apply(bound(socket, "127.0.0.1", 9090, true)));

        assertEquals(List.of(new Listener("127.0.0.1", 9090, T, true)), watch.listeners());
        assertTrue(watch.apply(new Object[] {BindBridge.CLOSED, socket}));
        assertEquals(List.of(), watch.listeners(), "its close is seen now");
    }

    @Test
    void run_recordsQueuedEventsAtStart_asOneChange() throws Exception {
        ArrayBlockingQueue<Object[]> events = new ArrayBlockingQueue<>(8);
        Object socket = new Object();
        events.add(bound(socket, "127.0.0.1", 9090, true));
        events.add(new Object[] {BindBridge.CLOSED, socket});
        events.add(bound(new Object(), "127.0.0.1", 9091, true));
        List<List<Listener>> seen = new ArrayList<>();
        Thread thread = new Thread(() -> new ListenerWatch(events, seen::add).run(T));
        thread.start();
        org.awaitility.Awaitility.await().until(() -> !seen.isEmpty());
        thread.interrupt();
        thread.join();

        assertTrue(seen.get(0).contains(new Listener("127.0.0.1", 9091, T, true)), seen.toString());
        assertFalse(seen.get(0).stream().anyMatch(l -> l.port() == 9090), seen.toString());
    }

    private static Object[] bound(Object socket, String address, int port, boolean reusePort) throws Exception {
        return new Object[] {BindBridge.BOUND, socket, new InetSocketAddress(InetAddress.getByName(address), port),
                reusePort, T};
    }
}
