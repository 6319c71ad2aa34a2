package dev.updater.sidecar.cli;

import dev.updater.core.home.UpdateHome;
import dev.updater.core.testing.ChildProcess;
import dev.updater.core.testing.OtherUser;
import dev.updater.sidecar.testhost.HostJars;
import dev.updater.sidecar.testhost.SidecarOutput;
import dev.updater.sidecar.testhost.SidecarJar;
import dev.updater.sidecar.testhost.Staging;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A volume shared by containers of different users: the sidecar runs as uid 65534, and the host,
 * as root, holds a {@code host.lock} the sidecar may not open (0600). An error is not a free lock:
 * {@code apply} swaps nothing and {@code watch} swaps, stops and quarantines nothing. The sidecar
 * runs from its built jar under {@code setpriv}; the lock is held by this test's JVM (root).
 */
class HostLockUnreadableIT {
    private static final Duration EXIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private Path home;
    private Path target;
    private Path hostLock;
    private byte[] installed;
    private FileChannel lockChannel;
    private FileLock lock;
    private final List<ChildProcess> started = new ArrayList<>();

    @BeforeEach
    void aHomeOfNobody_withAReleaseStaged_andAHostLockOfRoot() throws Exception {
        OtherUser.assumeCanRunAs(); // the sidecar as uid 65534 against a lock file of root
        OtherUser.openToOthers(dir);
        home = Staging.newHome(dir.resolve("home"));
        Path jars = dir.resolve("jars");
        target = Files.createDirectories(dir.resolve("opt")).resolve("app.jar");
        Files.copy(HostJars.build(jars.resolve("app-1.0.0.jar"), "1.0.0"), target);
        installed = Files.readAllBytes(target);
        Staging.stage(home, HostJars.build(jars.resolve("app-1.1.0.jar"), "1.1.0"), "1.1.0");
        OtherUser.giveTree(home);
        OtherUser.giveTree(target.getParent());
        hostLock = Files.createFile(home.resolve("host.lock"));
        lockChannel = FileChannel.open(hostLock, StandardOpenOption.WRITE);
        lock = lockChannel.lock();
    }

    @AfterEach
    void releaseAndStop() throws IOException {
        started.forEach(ChildProcess::close);
        if (lockChannel != null) {
            lockChannel.close();
        }
    }

    @Test
    void apply_asAUserWhoCannotOpenHostLock_refusesToSwap_andChangesNothing() throws Exception {
        Files.setPosixFilePermissions(hostLock, PosixFilePermissions.fromString("rw-------"));

        ChildProcess apply = asNobody("apply", "--home", home.toString(), "--yes", "--target", target.toString());

        assertEquals(1, apply.awaitExit(EXIT), apply.toString());
        assertTrue(apply.hasLine("Cannot tell whether the host is running: " + hostLock + " cannot be locked"
                + " (permission denied). No sidecar runs on " + home + " and a swap under a live host is refused, so"
                + " nothing was changed; run this as a user who can lock " + hostLock + " (the host's), or start"
                + " 'updater-sidecar run' or 'watch' on this home and ask again."), apply.toString());
        assertNothingChanged();
    }

    @Test
    void watch_asAUserWhoCannotOpenHostLock_waits_sayingSoOnce_andQuarantinesNothing() throws Exception {
        Files.setPosixFilePermissions(hostLock, PosixFilePermissions.fromString("rw-------"));
        ChildProcess watch = asNobody("watch", "--home", home.toString(), "--apply", "immediate", "--target",
                target.toString(), "--restart-timeout", "1s", "--stop-timeout", "1s", "--health-timeout", "2s",
                "--min-uptime", "100ms");
        String unknown = "Cannot tell whether the host is running: " + hostLock + " cannot be locked"
                + " (permission denied); nothing is swapped, stopped or quarantined until it can be. Run the sidecar as"
                + " a user who can lock it (the host's).";

        SidecarOutput.await(watch, unknown, EXIT);
        // Read as "no host", this swapped at once and rolled back and quarantined 1.1.0 after --restart-timeout 1s.
        await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6)).until(() -> watch.process().isAlive()
                && !Files.exists(home.resolve("journal.json")) && !Files.exists(home.resolve("quarantine.json")));
        assertNothingChanged();

        ChildProcess apply = asNobody("apply", "--home", home.toString(), "--yes", "--wait", "20s");

        assertEquals(1, apply.awaitExit(EXIT), apply.toString());
        assertTrue(apply.hasLine("The sidecar refused: " + unknown),
                apply.toString());
        SidecarOutput.await(watch, "refused an operator's apply of 1.1.0: cannot tell whether the host is running",
                EXIT);
        assertEquals(1, SidecarOutput.messages(watch).stream().filter(unknown::equals).count(), watch.toString());
        assertNothingChanged();
    }

    @Test
    void aHostLockThatCanBeReadButNotWritten_isProbedWithASharedLock() throws Exception {
        Files.setPosixFilePermissions(hostLock, PosixFilePermissions.fromString("rw-r--r--"));

        ChildProcess whileHeld = asNobody("apply", "--home", home.toString(), "--yes", "--target", target.toString());

        assertEquals(1, whileHeld.awaitExit(EXIT), whileHeld.toString());
        assertTrue(whileHeld.hasLine("No sidecar runs on " + home + " and the host is running; start"
                + " 'updater-sidecar run' or 'watch' on this home and ask again, or stop the host first."),
                whileHeld.toString());
        assertNothingChanged();

        lock.release();
        ChildProcess once = asNobody("apply", "--home", home.toString(), "--yes", "--target", target.toString());

        assertEquals(0, once.awaitExit(EXIT), once.toString());
        assertArrayEquals(Files.readAllBytes(dir.resolve("jars/app-1.1.0.jar")), Files.readAllBytes(target));
    }

    private void assertNothingChanged() throws IOException {
        assertArrayEquals(installed, Files.readAllBytes(target), "the target is byte for byte 1.0.0");
        assertTrue(new UpdateHome(home).stagedRecord().exists(), "1.1.0 stays staged");
        assertFalse(Files.exists(home.resolve("journal.json")), "no transaction began");
        assertFalse(Files.exists(home.resolve("backup")), "no backup was taken");
        assertFalse(Files.exists(home.resolve("quarantine.json")), "nothing was quarantined");
        try (Stream<Path> files = Files.list(target.getParent())) {
            assertEquals(List.of("app.jar"), files.map(p -> p.getFileName().toString()).toList());
        }
    }

    private ChildProcess asNobody(String... args) {
        ChildProcess jvm = ChildProcess.start(OtherUser.command(SidecarJar.command(List.of(), List.of(args))));
        started.add(jvm);
        return jvm;
    }
}
