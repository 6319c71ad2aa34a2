package dev.updater.agent.it;

import com.sun.net.httpserver.HttpServer;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.signature.Ed25519Keys;
import dev.updater.core.testing.PosixModes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Text from a hostile server and from a record another process wrote reaches the host's log (the
 * agent's System.Logger, on the host's stderr) and agent.json with its terminal controls escaped.
 */
class HostileTextIT {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String ESC = "\u001b";
    /** Any valid key: the check fails before a signature is looked at. */
    private static final String KEY = Ed25519Keys.toText(Ed25519Keys.generate().getPublic());

    @TempDir
    Path dir;

    private HttpServer server;
    private HostJvm host;

    @AfterEach
    void stop() throws Exception {
        if (host != null) {
            host.close();
        }
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void aRedirectsLocation_andAPreviousAgentRecord_reachTheHostsLog_escaped() throws Exception {
        // No key needed: any server on the path answers the manifest request with this redirect.
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            exchange.getResponseHeaders().set("Location", "/x" + ESC + "[1A" + ESC + "[2K" + ESC + "]0;owned\u0007.json");
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        server.start();
        Path appDir = dir.resolve("app");
        Path hostJar = HostJvm.hostJar(appDir, "1.0.0");
        UpdateHome home = new UpdateHome(appDir.resolve(".updater"));
        PosixModes.setWhereSupported(Files.createDirectories(home.dir()), "rwx------");
        // what a process of the app's user left in agent.json: a "version" that clears the screen
        Files.writeString(home.agentRecord().path(), "{\"pid\" : 1, \"runningVersion\" : \"0.9.0\\u001b[2J\","
                + " \"target\" : \"" + hostJar + "\"}\n");
        String manifest = "http://127.0.0.1:" + server.getAddress().getPort() + "/manifest.json";

        host = HostJvm.start(HostJvm.JAVA_17, List.of(), "manifest=" + manifest + ",key=" + KEY
                + ",interval=300ms,initial-delay=100ms", hostJar);

        await().atMost(WAIT).until(() -> host.err().contains("WARNING: The connection to"));
        String log = host.err();
        assertTrue(log.contains("WARNING: The previous " + home.agentRecord() + " could not be read (it is not a valid"
                + " record: its runningVersion \"0.9.0\\e[2J\" is not a semantic version); it is replaced.\n"), log);
        assertFalse(log.contains("updated from"), log);
        assertTrue(log.contains("WARNING: The connection to http://127.0.0.1:" + server.getAddress().getPort()
                + " failed while fetching " + manifest + " (ProtocolException: Invalid header value \"Location:"
                + " /x\\e[1A\\e[2K\\e]0;owned\\x07.json\"); check the network and the server.\n"), log);
        assertFalse(log.contains(ESC), "no raw ESC in the host's log");
        await().atMost(WAIT).until(() -> home.agentRecord().read()
                .map(r -> r.lastError() != null).orElse(false));
        String lastError = home.agentRecord().read().orElseThrow().lastError();
        assertTrue(lastError.contains("/x\\e[1A\\e[2K\\e]0;owned\\x07.json"), lastError);
        assertTrue(host.isAlive());
    }
}
