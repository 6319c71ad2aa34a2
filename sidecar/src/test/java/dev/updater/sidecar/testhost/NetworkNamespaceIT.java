package dev.updater.sidecar.testhost;

import dev.updater.core.testing.ChildProcess;
import dev.updater.sidecar.testhost.apps.AppJars;
import dev.updater.sidecar.testhost.apps.AppRelease;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A private network namespace: its own loopback, its own tcp_migrate_req, and the load generator ({@link LoadProcess}) inside it. */
class NetworkNamespaceIT {
    private static final Path HOST_MIGRATE_REQ = Path.of("/proc/sys/net/ipv4/tcp_migrate_req");

    @TempDir
    Path temp;

    @Test
    void aHostInsideServesTheLoadInside_andIsUnreachableFromOutside() throws Exception {
        Path jar = AppJars.build(temp.resolve("app.jar"), AppJars.Kind.JDK_HTTP, "1.0.0", AppRelease.Behaviour.GOOD);
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort(); // free out here, so a refusal below is the namespace's doing
        }
        try (NetworkNamespace net = NetworkNamespace.create();
             ChildProcess app = net.start(ChildProcess.java("-jar", jar, "--port", port))) {
            app.awaitLine(line -> line.endsWith(": listening on 127.0.0.1:" + port), Duration.ofSeconds(30));

            assertThrows(ConnectException.class, () -> new Socket(InetAddress.getLoopbackAddress(), port).close());
            try (LoadProcess load = LoadProcess.start(net, URI.create("http://127.0.0.1:" + port + "/"), 300)) {
                Thread.sleep(1_000); // the length of the first window under test
                load.mark("second-window");
                Thread.sleep(1_000);
                LoadProcess.Result result = load.stop();

                assertEquals(0, result.failed(), result.toString());
                assertEquals(Map.of(), result.reasons(), result.toString());
                assertTrue(result.requests() >= 400, result.toString()); // 600 scheduled; a busy machine starts some late
                LoadProcess.Window second = result.windows().get("second-window");
                assertTrue(second.requests() >= 150 && second.requests() < result.requests(), result.toString());
                assertEquals(0, second.failed());
            }
            assertTrue(app.isAlive());
        }
    }

    @Test
    void tcpMigrateReq_isSetInTheNamespaceOnly() throws Exception {
        String outside = Files.readString(HOST_MIGRATE_REQ);
        try (NetworkNamespace net = NetworkNamespace.create()) {
            assertFalse(net.tcpMigrateReq(), "a new namespace starts with the kernel's default, 0");

            net.setTcpMigrateReq(true);
            assertTrue(net.tcpMigrateReq());
            assertEquals(outside, Files.readString(HOST_MIGRATE_REQ), "the machine's own setting is untouched");

            net.setTcpMigrateReq(false);
            assertFalse(net.tcpMigrateReq());
        }
    }

    @Test
    void loopbackIsUpInside_andOnlyLoopbackExists() throws Exception {
        try (NetworkNamespace net = NetworkNamespace.create()) {
            ChildProcess.Finished links = net.run(List.of("ip", "-o", "link", "show"));
            assertEquals(0, links.exitCode(), links.toString());
            List<String> lines = links.out().lines().toList();
            assertEquals(1, lines.size(), links.out());
            assertTrue(lines.get(0).startsWith("1: lo: <LOOPBACK,UP,LOWER_UP>"), lines.get(0));
        }
    }
}
