package dev.updater.sidecar.supervise;

import dev.updater.core.home.SidecarRecord;
import dev.updater.core.home.UpdateHome;
import dev.updater.sidecar.testhost.Staging;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SidecarJarWatchTest {
    private static final Instant NOW = Instant.parse("2026-03-02T09:30:00Z");

    @TempDir
    Path dir;

    private UpdateHome home;
    private SidecarReport report;
    private final List<String> log = new ArrayList<>();

    @BeforeEach
    void aHome() throws Exception {
        home = new UpdateHome(Staging.newHome(dir.resolve("updates")));
        report = new SidecarReport(home, SidecarRecord.Mode.RUN, ApplyPolicy.parse("on-exit"), Clock.fixed(NOW, ZoneOffset.UTC), log::add);
    }

    @Test
    void aJarReplacedByANewerVersion_isSaidOnce_andShownAsAProblem_whileTheSidecarRunsOn() throws Exception {
        Path jar = jar(dir.resolve("updater-sidecar.jar"), "1.3.0", 1);
        SidecarJarWatch watch = new SidecarJarWatch(jar, "1.3.0", 0, false, report, log::add);
        watch.check();
        assertEquals(List.of(), log, "the jar it runs from: nothing to say");

        Files.move(jar(dir.resolve("new.jar"), "1.4.0", 2), jar, StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
        watch.check();
        watch.check();

        String message = jar + " is now updater 1.4.0; this sidecar (pid " + ProcessHandle.current().pid()
                + ") keeps running 1.3.0 and supervising the host until it restarts. Restart the sidecar when a short"
                + " stop of the host suits you (for example 'systemctl restart' of its service); the host's agent jar"
                + " takes effect at the host's next start.";
        assertEquals(1, log.size(), "said once: " + log);
        assertTrue(log.get(0).contains(message), log.get(0));
        assertEquals(List.of(new SidecarRecord.Problem(SidecarJarWatch.RESTART_PENDING, message, NOW)),
                home.sidecarRecord().read().orElseThrow().problems());
    }

    @Test
    void whereTheSidecarRestartsInPlace_aNewerJarIsSaidToTakeEffectAtTheNextHostUpdate_anOlderOneWaitsForARestart()
            throws Exception {
        Path jar = jar(dir.resolve("updater-sidecar.jar"), "1.3.0", 1);
        SidecarJarWatch watch = new SidecarJarWatch(jar, "1.3.0", 0, true, report, log::add);

        jar(jar, "1.4.0", 2);
        watch.check();
        jar(jar, "1.2.0", 3);
        watch.check();

        long pid = ProcessHandle.current().pid();
        assertEquals(List.of(jar + " is now updater 1.4.0; this sidecar (pid " + pid + ") keeps running 1.3.0 and"
                + " supervising the host until it restarts. It restarts itself in place (same pid) at the next host"
                + " update, while the host is stopped for it; to run 1.4.0 sooner, restart the sidecar when a short"
                + " stop of the host suits you (for example 'systemctl restart' of its service); the host's agent jar"
                + " takes effect at the host's next start.",
                jar + " is now updater 1.2.0; this sidecar (pid " + pid + ") keeps running 1.3.0 and supervising the"
                + " host until it restarts. Restart the sidecar when a short stop of the host suits you (for example"
                + " 'systemctl restart' of its service); the host's agent jar takes effect at the host's next start."),
                log);
    }

    @Test
    void aJarRewrittenWithTheSameVersion_saysNothing() throws Exception {
        Path jar = jar(dir.resolve("updater-sidecar.jar"), "1.3.0", 1);
        SidecarJarWatch watch = new SidecarJarWatch(jar, "1.3.0", 0, false, report, log::add);

        jar(jar, "1.3.0", 2);
        watch.check();

        assertEquals(List.of(), log);
        assertTrue(home.sidecarRecord().read().isEmpty(), "no sidecar.json written");
    }

    /** A jar whose manifest says {@code version}, modified at second {@code second} (so the stamp differs). */
    private static Path jar(Path file, String version, long second) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.IMPLEMENTATION_VERSION, version);
        try (OutputStream out = Files.newOutputStream(file); JarOutputStream jar = new JarOutputStream(out, manifest)) {
            jar.flush();
        }
        Files.setLastModifiedTime(file, FileTime.from(NOW.plusSeconds(second)));
        return file;
    }
}
