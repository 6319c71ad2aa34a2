package dev.updater.core.download;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MirrorFailoverTest {
    private static final URI A = URI.create("https://a.example/app/app-1.2.0.jar");
    private static final URI B = URI.create("https://b.example/app/app-1.2.0.jar");
    private static final URI C = URI.create("https://c.example:8443/app/app-1.2.0.jar");
    private static final List<URI> MIRRORS = List.of(A, B, C);

    @Test
    void order_isStablePerHost() {
        assertEquals(new MirrorFailover("host-17").order(MIRRORS), new MirrorFailover("host-17").order(MIRRORS));
        assertEquals(new MirrorFailover("host-17").order(MIRRORS), new MirrorFailover("host-17").order(List.of(C, A, B)),
                "the order the manifest lists them in does not matter");
    }

    @Test
    void order_spreadsAFleetEvenlyOverTheMirrors() {
        Map<URI, Integer> first = new HashMap<>();
        for (int host = 0; host < 30_000; host++) {
            first.merge(new MirrorFailover("host-" + host).order(MIRRORS).get(0), 1, Integer::sum);
        }
        for (URI mirror : MIRRORS) {
            int share = first.getOrDefault(mirror, 0);
            assertTrue(share > 9_500 && share < 10_500, mirror + " is first for " + share + " of 30000 hosts, expected about 10000");
        }
    }

    @Test
    void order_keepsAHostsMirrorFromOneReleaseToTheNext() {
        List<URI> next = List.of(URI.create("https://a.example/app/app-1.3.0.jar"), URI.create("https://b.example/app/app-1.3.0.jar"),
                URI.create("https://c.example:8443/app/app-1.3.0.jar"));
        for (int host = 0; host < 50; host++) {
            MirrorFailover mirrors = new MirrorFailover("host-" + host);
            assertEquals(MIRRORS.indexOf(mirrors.order(MIRRORS).get(0)), next.indexOf(mirrors.order(next).get(0)));
        }
    }

    @Test
    void order_removingAMirror_movesOnlyTheHostsThatPreferredIt() {
        for (int host = 0; host < 200; host++) {
            MirrorFailover mirrors = new MirrorFailover("host-" + host);
            URI preferred = mirrors.order(MIRRORS).get(0);
            if (!preferred.equals(C)) {
                assertEquals(preferred, mirrors.order(List.of(A, B)).get(0));
            }
        }
    }

    @Test
    void order_dropsDuplicates() {
        assertEquals(2, new MirrorFailover("h").order(List.of(A, B, A)).size());
    }

    @Test
    void tryInOrder_failsOverToTheNextMirror_andRemembersTheOneThatWorked() throws Exception {
        MirrorFailover mirrors = new MirrorFailover("host-1");
        List<URI> order = mirrors.order(MIRRORS);
        URI broken = order.get(0);
        List<URI> tried = new ArrayList<>();

        String result = mirrors.tryInOrder(MIRRORS, "the download", uri -> {
            tried.add(uri);
            if (uri.equals(broken)) {
                throw new UpdaterException(ErrorCode.DOWNLOAD_STALLED, "stalled");
            }
            return "bytes from " + uri.getHost();
        });

        assertEquals("bytes from " + order.get(1).getHost(), result);
        assertEquals(order.subList(0, 2), tried);
        assertEquals(Optional.of(MirrorFailover.origin(order.get(1))), mirrors.lastGoodOrigin());
        assertEquals(order.get(1), mirrors.order(MIRRORS).get(0), "the mirror that worked is asked first next time");
        URI sameMirrorNextRelease = URI.create(order.get(1).toString().replace("1.2.0", "1.3.0"));
        assertEquals(sameMirrorNextRelease, mirrors.order(List.of(A, B, C).stream()
                .map(u -> URI.create(u.toString().replace("1.2.0", "1.3.0"))).toList()).get(0));
    }

    @Test
    void tryInOrder_aLocalFailure_stopsAtOnce() {
        List<URI> tried = new ArrayList<>();
        UpdaterException full = new UpdaterException(ErrorCode.DISK_SPACE, "disk full");

        UpdaterException e = assertThrows(UpdaterException.class, () -> new MirrorFailover("h").tryInOrder(MIRRORS, "the download", uri -> {
            tried.add(uri);
            throw full;
        }));

        assertSame(full, e);
        assertEquals(1, tried.size(), "another mirror cannot fix a full disk");
    }

    @Test
    void tryInOrder_oneMirror_failsWithItsOwnError() {
        UpdaterException refused = new UpdaterException(ErrorCode.NETWORK, "refused");
        assertSame(refused, assertThrows(UpdaterException.class,
                () -> new MirrorFailover("h").tryInOrder(List.of(A), "the manifest", uri -> {
                    throw refused;
                })));
    }

    @Test
    void tryInOrder_allFailing_reportsTheFirstError_andWhatTheOthersAnswered() {
        MirrorFailover mirrors = new MirrorFailover("host-1");
        List<URI> order = mirrors.order(MIRRORS);

        UpdaterException e = assertThrows(UpdaterException.class, () -> mirrors.tryInOrder(MIRRORS, "the download of 1.2.0", uri -> {
            throw uri.equals(order.get(0)) ? new UpdaterException(ErrorCode.NETWORK, "Could not connect to " + uri.getHost() + ".")
                    : new ServerPushback(503, null, "busy");
        }));

        assertEquals(ErrorCode.NETWORK, e.code());
        assertEquals("All 3 mirrors of the download of 1.2.0 failed. First tried: Could not connect to " + order.get(0).getHost()
                + ". Then: " + order.get(1) + ": HTTP_STATUS (HTTP 503); " + order.get(2) + ": HTTP_STATUS (HTTP 503).", e.getMessage());
        assertEquals(2, e.getSuppressed().length);
        assertEquals(Optional.empty(), mirrors.lastGoodOrigin());
    }

    @Test
    void tryInOrder_allFailing_keepsTheLongestRetryAfterAsked() {
        MirrorFailover mirrors = new MirrorFailover("host-1");
        List<URI> order = mirrors.order(MIRRORS);

        UpdaterException e = assertThrows(UpdaterException.class, () -> mirrors.tryInOrder(MIRRORS, "the manifest", uri -> {
            if (uri.equals(order.get(0))) {
                throw new UpdaterException(ErrorCode.NETWORK, "refused");
            }
            throw new ServerPushback(429, Duration.ofSeconds(uri.equals(order.get(1)) ? 600 : 60), "slow down");
        }));

        ServerPushback pushback = assertInstanceOf(ServerPushback.class, e);
        assertEquals(Optional.of(Duration.ofSeconds(600)), pushback.retryAfter());
        assertEquals(429, pushback.status());
    }

    @Test
    void rank_differsAcrossHosts() {
        assertNotEquals(MirrorFailover.rank("host-1", A), MirrorFailover.rank("host-2", A));
        assertEquals(MirrorFailover.rank("host-1", A), MirrorFailover.rank("host-1", URI.create("https://A.example/other/path")));
    }

    @Test
    void aMemory_putsTheOriginItKeptFirst_forANewInstance_andIsToldEachSuccessOfSeveralMirrors() throws Exception {
        Map<String, String> kept = new HashMap<>();
        MirrorFailover.Memory memory = new MirrorFailover.Memory() {
            @Override
            public Optional<String> recall(String primaryOrigin) {
                return Optional.ofNullable(kept.get(primaryOrigin));
            }

            @Override
            public void remember(String primaryOrigin, String goodOrigin) {
                kept.put(primaryOrigin, goodOrigin);
            }
        };
        URI last = new MirrorFailover("host-1").order(MIRRORS).get(2);
        kept.put(MirrorFailover.origin(A), MirrorFailover.origin(last));

        MirrorFailover restarted = new MirrorFailover("host-1", memory);
        assertEquals(last, restarted.order(MIRRORS).get(0), "the kept origin first, before the host's own order");
        List<URI> tried = new ArrayList<>();
        restarted.tryInOrder(MIRRORS, "the download", uri -> tried.add(uri));
        assertEquals(List.of(last), tried);

        new MirrorFailover("host-1", memory).tryInOrder(List.of(B), "the manifest", uri -> uri);
        assertEquals(Map.of(MirrorFailover.origin(A), MirrorFailover.origin(last)), kept,
                "a single origin has nothing to remember");
    }
}
