package dev.updater.sidecar.supervise;

import dev.updater.core.version.ReleaseVersion;
import dev.updater.sidecar.log.LogEvent;
import dev.updater.sidecar.log.SidecarLog;
import dev.updater.sidecar.selfupdate.UpdaterInstall;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Notices that {@code self-update} (or anyone) replaced the jar this sidecar runs from, and tells the
 * operator once, in the log and as the problem {@code sidecar-restart-pending} in {@code status}: the
 * running sidecar keeps its old jar open (the rename gave the path a new inode), so it runs on, and
 * keeps supervising the host, with the old code until it restarts. It never stops the host for that:
 * where it can ({@link SelfRestart}) it restarts itself in place at the next host update, and says
 * so; elsewhere it waits for a restart (docs/sidecar.md#self-update). Looks at the jar's
 * size and modification time at most every few seconds; reads its version only when they change.
 */
final class SidecarJarWatch {
    static final String RESTART_PENDING = "sidecar-restart-pending";
    private static final long EVERY_NANOS = 5_000_000_000L;

    private final Path jar;
    private final String running;
    private final SidecarReport report;
    private final Consumer<String> log;
    private final long everyNanos;
    private final boolean restartsInPlace;
    private String seen;
    private String said;
    private long lastLook = System.nanoTime();

    /**
     * @param jar the jar this sidecar runs from, or null; @param running its version, or null;
     * @param restartsInPlace true when a newer jar takes effect at the next host update ({@link SelfRestart#possible})
     */
    SidecarJarWatch(Path jar, String running, long everyNanos, boolean restartsInPlace, SidecarReport report,
                    Consumer<String> log) {
        this.jar = jar;
        this.restartsInPlace = restartsInPlace;
        this.running = running;
        this.everyNanos = everyNanos;
        this.report = report;
        this.log = log;
        this.seen = stamp();
    }

    /** A watch of this JVM's jar; one that watches nothing when the sidecar does not run from a versioned jar. */
    static SidecarJarWatch ofRunningJar(SidecarReport report, boolean restartsInPlace, Consumer<String> log) {
        return new SidecarJarWatch(UpdaterInstall.runningJar(),
                SidecarJarWatch.class.getPackage().getImplementationVersion(), EVERY_NANOS, restartsInPlace, report, log);
    }

    /** Called by the loop on every poll; cheap. */
    void check() {
        if (jar == null || running == null || System.nanoTime() - lastLook < everyNanos) {
            return;
        }
        lastLook = System.nanoTime();
        String now = stamp();
        if (Objects.equals(now, seen)) {
            return;
        }
        seen = now;
        String installed = UpdaterInstall.versionOf(jar);
        if (installed == null || installed.equals(running) || installed.equals(said)) {
            return;
        }
        said = installed;
        ReleaseVersion newer = ReleaseVersion.tryParse(installed);
        ReleaseVersion old = ReleaseVersion.tryParse(running);
        String message = jar + " is now updater " + installed + "; this sidecar (pid " + ProcessHandle.current().pid()
                + ") keeps running " + running + " and supervising the host until it restarts. "
                + (restartsInPlace && newer != null && old != null && newer.isNewerThan(old)
                ? "It restarts itself in place (same pid) at the next host update, while the host is stopped for it;"
                + " to run " + installed + " sooner, restart the sidecar" : "Restart the sidecar")
                + " when a short stop of the host suits you (for example 'systemctl restart' of its service); the"
                + " host's agent jar takes effect at the host's next start.";
        report.problem(RESTART_PENDING, message);
        SidecarLog.emit(log, LogEvent.info(RESTART_PENDING, message, "running", running, "installed", installed));
    }

    /** Size and modification time, or null when the file cannot be read. */
    private String stamp() {
        if (jar == null) {
            return null;
        }
        try {
            BasicFileAttributes attributes = Files.readAttributes(jar, BasicFileAttributes.class);
            return attributes.size() + "@" + attributes.lastModifiedTime().toMillis();
        } catch (IOException e) {
            return null;
        }
    }
}
