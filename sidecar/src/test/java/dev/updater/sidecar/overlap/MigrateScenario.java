package dev.updater.sidecar.overlap;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Test only, run by {@link SteeringNamespaceIT} inside a private network namespace: three connections
 * queue at a host A that does not accept, the steering cuts over to B, and A exits without draining.
 * Prints {@code queued at A: N} and {@code answers: [...]}: who answered each queued connection, or
 * how it failed. Arguments: {@code PORT}.
 */
public final class MigrateScenario {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Path pause = Files.createTempFile("pause", "");
        Process a = host("A", port, pause);
        Process b = null;
        try (Steering steering = Steering.take(a.toHandle(), ProbePorts.DEFAULT)) {
            b = host("B", port, pause.resolveSibling(pause.getFileName() + "-never"));
            List<Socket> queued = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Socket socket = new Socket();
                socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
                queued.add(socket);
            }
            long inode = steering.sockets().get(0).inode();
            waitFor(() -> ListeningSockets.acceptQueue(inode) == 3);
            System.out.println("queued at A: " + ListeningSockets.acceptQueue(inode));
            steering.cutOver();
            steering.close(); // before A exits, or A's socket stays in the group
            a.destroy();
            a.waitFor();
            List<String> answers = new ArrayList<>();
            for (Socket socket : queued) {
                answers.add(answer(socket));
            }
            System.out.println("answers: " + answers);
        } finally {
            a.destroyForcibly();
            if (b != null) {
                b.destroyForcibly();
            }
            Files.deleteIfExists(pause);
        }
    }

    private static String answer(Socket socket) {
        try (socket) {
            socket.setSoTimeout(5_000);
            String line = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
            return line == null ? "closed" : line;
        } catch (IOException e) {
            return e.getMessage();
        }
    }

    private static Process host(String name, int port, Path pause) throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), NameServer.class.getName(), name, String.valueOf(port), "reuse",
                pause.toString()).redirectErrorStream(true).start();
        String line = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        if (!(name + " listening").equals(line)) {
            throw new IllegalStateException(name + " did not start: " + line);
        }
        return p;
    }

    private interface Check {
        boolean holds() throws Exception;
    }

    /** A standalone main without awaitility: polls for up to 10 s. */
    private static void waitFor(Check check) throws Exception {
        for (int i = 0; i < 1_000 && !check.holds(); i++) {
            Thread.sleep(10);
        }
    }
}
