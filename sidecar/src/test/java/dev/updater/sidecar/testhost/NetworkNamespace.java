package dev.updater.sidecar.testhost;

import dev.updater.core.testing.ChildProcess;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Test only: a private network namespace of its own, with only {@code lo} (up), for tests that need a
 * network nobody else uses: their own {@code net.ipv4.tcp_migrate_req}, ports no other test can take.
 * A holder process ({@code unshare -n sleep infinity}) keeps the namespace alive; children run in it
 * with {@code nsenter --net=/proc/<holder>/ns/net -- …}. Needs Linux, root, util-linux and iproute2;
 * {@link #create()} skips the test (a JUnit assumption, with the reason) where any is missing.
 *
 * <pre>{@code
 * try (NetworkNamespace net = NetworkNamespace.create()) {
 *     net.setTcpMigrateReq(true);
 *     try (ChildProcess host = net.start(ChildProcess.java("-jar", jar, "--port", "8080"))) { … }
 * }
 * }</pre>
 */
public final class NetworkNamespace implements AutoCloseable {
    private static final Duration PATIENCE = Duration.ofSeconds(10);
    private static final Path SELF_NET = Path.of("/proc/self/ns/net");
    private static final String MIGRATE_REQ = "/proc/sys/net/ipv4/tcp_migrate_req";

    private final ChildProcess holder;

    private NetworkNamespace(ChildProcess holder) {
        this.holder = holder;
    }

    /** A new namespace with {@code lo} up; skips the test, saying why, where one cannot be made. */
    public static NetworkNamespace create() throws IOException, InterruptedException {
        assumeTrue(System.getProperty("os.name").startsWith("Linux"), "network namespaces are Linux only");
        assumeTrue(Files.exists(SELF_NET), "no " + SELF_NET + ": this kernel has no network namespaces");
        assumeTrue("root".equals(System.getProperty("user.name")), "unshare -n needs root; the tests run as "
                + System.getProperty("user.name"));
        assumeTrue(ChildProcess.available("unshare", "--version") && ChildProcess.available("nsenter", "--version")
                && ChildProcess.available("ip", "-V"), "needs unshare and nsenter (util-linux) and ip (iproute2)");
        ChildProcess holder = ChildProcess.start(List.of("unshare", "-n", "sleep", "infinity"));
        NetworkNamespace net = new NetworkNamespace(holder);
        try {
            String own = Files.readSymbolicLink(SELF_NET).toString();
            // unshare execs sleep in the same process: once its link differs from ours, the namespace is made.
            await().atMost(PATIENCE).until(() -> !holder.isAlive() || !own.equals(net.namespaceLink()));
            assumeTrue(holder.isAlive(), "unshare -n could not make a network namespace here (a container without"
                    + " CAP_SYS_ADMIN?): " + holder.outputText());
            ChildProcess.Finished up = net.run(List.of("ip", "link", "set", "lo", "up"));
            if (up.exitCode() != 0) {
                throw new IOException("could not bring lo up in the new namespace: " + up);
            }
            return net;
        } catch (IOException | RuntimeException | Error e) {
            holder.close();
            throw e;
        }
    }

    /** The namespace's handle for {@code nsenter --net=}: {@code /proc/<holder>/ns/net}. */
    public Path path() {
        return Path.of("/proc", String.valueOf(holder.pid()), "ns", "net");
    }

    /** {@code command} run inside the namespace. */
    public List<String> command(List<String> command) {
        List<String> inside = new ArrayList<>(List.of("nsenter", "--net=" + path(), "--"));
        inside.addAll(command);
        return inside;
    }

    /** Starts {@code command} inside the namespace (see {@link ChildProcess#start(List)}). */
    public ChildProcess start(List<String> command) {
        return ChildProcess.start(command(command));
    }

    /** Runs {@code command} inside the namespace to its end. */
    public ChildProcess.Finished run(List<String> command) throws IOException, InterruptedException {
        return ChildProcess.run(command(command), PATIENCE);
    }

    /**
     * Sets {@code net.ipv4.tcp_migrate_req} in this namespace only (Linux 5.14+; skips the test on an
     * older kernel): connections queued at a closing listener move to another of its reuse-port group.
     */
    public void setTcpMigrateReq(boolean on) throws IOException, InterruptedException {
        assumeTrue(Files.exists(Path.of(MIGRATE_REQ)), "no " + MIGRATE_REQ + ": the kernel is older than 5.14");
        ChildProcess.Finished set = run(List.of("sh", "-c", "echo " + (on ? 1 : 0) + " > " + MIGRATE_REQ));
        if (set.exitCode() != 0) {
            throw new IOException("could not set tcp_migrate_req in the namespace: " + set);
        }
    }

    /** {@code net.ipv4.tcp_migrate_req} as this namespace sees it. */
    public boolean tcpMigrateReq() throws IOException, InterruptedException {
        ChildProcess.Finished read = run(List.of("cat", MIGRATE_REQ));
        if (read.exitCode() != 0) {
            throw new IOException("could not read tcp_migrate_req in the namespace: " + read);
        }
        return read.out().strip().equals("1");
    }

    private String namespaceLink() {
        try {
            return Files.readSymbolicLink(path()).toString();
        } catch (IOException e) {
            return "";
        }
    }

    /** Ends the holder; the namespace goes with the last process in it. */
    @Override
    public void close() {
        holder.close();
    }
}
