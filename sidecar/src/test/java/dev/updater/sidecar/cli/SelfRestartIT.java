package dev.updater.sidecar.cli;

import dev.updater.core.home.SidecarRecord;
import dev.updater.core.home.SwapState;
import dev.updater.core.testing.ChildProcess;
import dev.updater.sidecar.testhost.Hosts;
import dev.updater.sidecar.testhost.SidecarJar;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code run --restart stop-start} from an installed copy of the sidecar jar, which self-update (here:
 * the test, as self-update does it, by a rename) replaces with a newer version; at the next host
 * update the sidecar restarts itself in place (docs/sidecar.md "When the new version takes effect").
 * One sidecar JVM and its host JVMs per test. The sidecar runs on a copy of the JDK's {@code java}
 * binary (its other folders linked), so the second test can make that binary non-executable and
 * provoke a real {@code execve} failure (EACCES, for root too: no execute bit at all).
 */
class SelfRestartIT {
    private static final String NEWER = "99.0.0";

    @TempDir
    Path temp;

    private SidecarFixture fixture;
    private Path java;
    private Path sidecarJar;
    private String running;

    @BeforeEach
    void installTheSidecarAndAJdkCopy() throws Exception {
        SidecarJar.assumeBuilt();
        assumeTrue(System.getProperty("os.name").equals("Linux"), "execve(2) and /proc are Linux's");
        fixture = new SidecarFixture(temp);
        sidecarJar = Files.copy(SidecarJar.PATH, Files.createDirectories(temp.resolve("opt/updater"))
                .resolve("updater-sidecar.jar"));
        try (JarFile jar = new JarFile(SidecarJar.PATH.toFile())) {
            running = jar.getManifest().getMainAttributes().getValue("Implementation-Version");
        }
        Path jdk = Path.of(System.getProperty("java.home")).toRealPath();
        Path copy = Files.createDirectories(temp.resolve("jdk/bin"));
        try (Stream<Path> entries = Files.list(jdk)) {
            for (Path entry : entries.filter(p -> !p.getFileName().toString().equals("bin")).toList()) {
                Files.createSymbolicLink(copy.resolveSibling(entry.getFileName().toString()), entry);
            }
        }
        java = Files.copy(jdk.resolve("bin/java"), copy.resolve("java"), StandardCopyOption.COPY_ATTRIBUTES);
    }

    @AfterEach
    void stopAll() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void aNewerSidecarJar_takesEffectAtTheNextHostUpdate_inTheSameProcess_andTheUpdateCommits() throws Exception {
        ChildProcess sidecar = startRun();
        long pid = sidecar.pid();
        byte[] cmdline = Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline"));
        replaceTheSidecarJar();
        fixture.awaitOrDump("the old jar open as a deleted file", () -> !openDeletedJars(pid).isEmpty());

        fixture.stage(fixture.v110, "1.1.0");

        sidecar.awaitLine(line -> line.endsWith("updater-sidecar: restarting this sidecar (pid " + pid + ") in place"
                + " to run updater " + NEWER + " (was " + running + ") while the host is stopped for 1.1.0: execve of "
                + java + " with its " + (ChildProcess.java().size() + 2 + fixture.runArgs("immediate").size())
                + " arguments from /proc/self/cmdline; the new sidecar starts 1.1.0 and checks its health"),
                SidecarFixture.PATIENCE);
        assertEquals(SwapState.COMMITTED, fixture.awaitFinishedJournal().state(), fixture.dump());
        fixture.awaitServedBy(sidecar, "1.1.0");
        assertTrue(sidecar.isAlive(), "the same process runs on:\n" + fixture.dump());
        assertEquals(pid, sidecar.pid());
        assertArrayEquals(cmdline, Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline")),
                "the same java, JVM options, jar and arguments");
        fixture.awaitOrDump("sidecar.json of the new sidecar", () -> fixture.updateHome.sidecarRecord().readQuietly()
                .map(r -> NEWER.equals(r.version())).orElse(false));
        SidecarRecord record = fixture.updateHome.sidecarRecord().read().orElseThrow();
        assertEquals(pid, record.pid());
        assertEquals(List.of(), openDeletedJars(pid), "no fd of the old image survived the exec");
        assertEquals(1, fdsOn(pid, fixture.updateHome.sidecarLock()), "sidecar.lock is held once, by the new image");
        // the new image's lines, read from its output by another thread: awaited, the last first
        sidecar.awaitLine(line -> line.contains("found an unfinished install of 1.1.0 over 1.0.0 (swapped); the"
                + " target holds 1.1.0"), SidecarFixture.PATIENCE);
        assertEquals(2, count(sidecar, "updater-sidecar: supervising "), "each image said it supervises:\n" + fixture.dump());
        assertEquals(List.of("installed 1.1.0", "sidecar-restart null", "healthy 1.1.0"), fixture.events());
        assertEquals("restarting this sidecar (pid " + pid + ") in place to run updater " + NEWER + " (was " + running
                + ") while the host is stopped for 1.1.0", fixture.history().get(1).detail());
        fixture.assertTargetIs(fixture.v110);
    }

    @Test
    void whenExecveFails_theOldSidecarGoesOn_andStartsTheNewHostItself() throws Exception {
        ChildProcess sidecar = startRun();
        long pid = sidecar.pid();
        long oldHost = fixture.awaitRecordedPid();
        replaceTheSidecarJar();
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rw-r--r--"));

        fixture.stage(fixture.v110, "1.1.0");

        sidecar.awaitLine(line -> line.endsWith("updater-sidecar: could not restart this sidecar (pid " + pid + ") in"
                + " place as updater " + NEWER + ": execve(" + java + ") failed with errno 13 (EACCES); it goes on"
                + " running " + running + " and starts 1.1.0 itself. Updater " + NEWER + " takes effect when the"
                + " sidecar restarts (for example 'systemctl restart' of its service)."), SidecarFixture.PATIENCE);
        assertEquals(SwapState.COMMITTED, fixture.awaitFinishedJournal().state(), fixture.dump());
        fixture.awaitServedBy(sidecar, "1.1.0");
        assertNotEquals(oldHost, Hosts.recordedPid(fixture.home).orElseThrow());
        assertTrue(sidecar.isAlive(), fixture.dump());
        assertEquals(running, fixture.updateHome.sidecarRecord().read().orElseThrow().version(),
                "the old sidecar runs on");
        assertEquals(List.of("installed 1.1.0", "sidecar-restart null", "sidecar-restart null", "healthy 1.1.0"),
                fixture.events(), "the restart, then why it did not happen");
        fixture.assertTargetIs(fixture.v110);
    }

    private ChildProcess startRun() {
        List<Object> command = new ArrayList<>(List.of("-jar", sidecarJar));
        command.addAll(fixture.runArgs("immediate"));
        ChildProcess sidecar = fixture.track(ChildProcess.start(ChildProcess.java(java, command.toArray())));
        fixture.awaitServedBy(sidecar, "1.0.0");
        return sidecar;
    }

    /** What self-update does: the newer jar written beside, then renamed over the installed one. */
    private void replaceTheSidecarJar() throws IOException {
        Path next = Files.copy(SidecarJar.PATH, sidecarJar.resolveSibling("updater-sidecar.jar.new"));
        try (FileSystem zip = FileSystems.newFileSystem(next)) {
            Path manifestFile = zip.getPath("META-INF/MANIFEST.MF");
            Manifest manifest;
            try (InputStream in = Files.newInputStream(manifestFile)) {
                manifest = new Manifest(in);
            }
            manifest.getMainAttributes().put(Attributes.Name.IMPLEMENTATION_VERSION, NEWER);
            try (OutputStream out = Files.newOutputStream(manifestFile)) {
                manifest.write(out);
            }
        }
        Files.move(next, sidecarJar, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The process's fds on a replaced (deleted) updater-sidecar.jar. */
    private List<String> openDeletedJars(long pid) throws IOException {
        String deleted = sidecarJar.toRealPath() + " (deleted)";
        return fdTargets(pid).stream().filter(t -> t.equals(deleted)).toList();
    }

    private long fdsOn(long pid, Path file) throws IOException {
        String real = file.toRealPath().toString();
        return fdTargets(pid).stream().filter(t -> t.equals(real)).count();
    }

    private static List<String> fdTargets(long pid) throws IOException {
        List<String> targets = new ArrayList<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    targets.add(Files.readSymbolicLink(fd).toString());
                } catch (IOException e) {
                    // closed while listed
                }
            }
        }
        return targets;
    }

    private static long count(ChildProcess process, String text) {
        return process.output().stream().filter(line -> line.contains(text)).count();
    }
}
