package dev.updater.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

class RecentVisitsTest {
    private static final Instant T = Instant.parse("2026-11-30T08:00:00Z");

    @Test
    void keepsTheLastTenVisits_oldestFirst() {
        RecentVisits recent = new RecentVisits(line -> { });
        for (int i = 0; i < 12; i++) {
            recent.add(T.plusSeconds(i));
        }
        assertEquals(List.of(T.plusSeconds(2), T.plusSeconds(3)), recent.list().subList(0, 2));
        assertEquals(RecentVisits.KEPT, recent.list().size());
    }

    @Test
    void whatOneVersionSaves_theNextRestores_beforeTheVisitsItCountedSinceItsStart() {
        RecentVisits old = new RecentVisits(line -> { });
        old.add(T);
        old.add(T.plusSeconds(1));
        List<String> log = new ArrayList<>();
        RecentVisits next = new RecentVisits(log::add);
        next.add(T.plusSeconds(5));

        next.restore(old.save() + "not a time\n");

        assertEquals(List.of(T, T.plusSeconds(1), T.plusSeconds(5)), next.list());
        assertEquals(List.of("restored 2 recent visits handed over by the previous version"), log);
    }

    /** As updater's agent calls it: through the platform MBean server, by name, knowing no type of the app's. */
    @Test
    void registered_asDevUpdaterStateHandoff_andCalledByName() throws Exception {
        RecentVisits recent = new RecentVisits(line -> { });
        recent.add(T);
        recent.register();
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName name = new ObjectName("dev.updater:type=StateHandoff");
            assertEquals(T + "\n", server.invoke(name, "save", new Object[0], new String[0]));
            server.invoke(name, "restore", new Object[] {T.minusSeconds(60) + "\n"}, new String[] {String.class.getName()});
            assertEquals(List.of(T.minusSeconds(60), T), recent.list());
        } finally {
            recent.unregister();
        }
        assertEquals(false, ManagementFactory.getPlatformMBeanServer().isRegistered(
                new ObjectName("dev.updater:type=StateHandoff")));
    }
}
