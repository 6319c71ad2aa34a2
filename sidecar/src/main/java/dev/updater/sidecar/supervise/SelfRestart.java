package dev.updater.sidecar.supervise;

import com.sun.jna.NativeLibrary;
import dev.updater.core.UpdaterException;
import dev.updater.core.home.SwapJournal;
import dev.updater.core.version.ReleaseVersion;
import dev.updater.sidecar.health.GateResult;
import dev.updater.sidecar.health.RunningHost;
import dev.updater.sidecar.log.LogEvent;
import dev.updater.sidecar.log.SidecarLog;
import dev.updater.sidecar.selfupdate.UpdaterInstall;
import dev.updater.sidecar.swap.HostControl;

import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A sidecar whose jar {@code self-update} replaced restarts itself in place at the next host update
 * ({@code run --restart stop-start} on Linux; docs/sidecar.md "When the new version takes effect").
 * The host is stopped for that update anyway: once the swap is journaled {@code swapped} and the old
 * host has exited, {@link #around} starts no host, so the transaction ends {@code pendingStart}
 * (as an offline {@code apply} leaves it) and the loop returns; {@code run} releases
 * {@code sidecar.lock} and calls {@link #exec}, which {@code execve}s the same {@code java} with the
 * same arguments ({@link ProcessImage}): same pid, so systemd sees no exit. The new sidecar takes the
 * lock and its recovery resumes the journal (starts the host, gates it, rolls back as always),
 * without counting a resume. Only to a newer version: an older jar put there by hand waits for a
 * restart, as does every jar where exec is impossible (overlap, {@code watch}, not Linux, no JNA).
 * When {@code execve} fails this sidecar goes on, and its own recovery starts the host.
 *
 * <pre>{@code
 * SelfRestart self = SelfRestart.forRun(settings.restart(), log);   // in run, outliving each loop
 * SupervisionLoop.ofChild(home, settings, command, self, clock, log).run();
 * if (self.pending()) { self.exec(); }                              // returns only when exec failed
 * }</pre>
 */
public final class SelfRestart {
    /** The log event said just before {@code execve}. */
    static final String RESTARTING = "sidecar-restarting";
    /** The log event said when the sidecar cannot restart in place after all, and goes on. */
    static final String NOT_RESTARTED = "sidecar-not-restarted";

    private final Path jar;
    private final ReleaseVersion running;
    private final String impossible;
    private final Consumer<String> log;
    private NativeLibrary libc;
    private ProcessImage.Plan plan; // set when the loop must return so that run can exec
    private String onDisk;
    private String hostVersion;
    private boolean failed;

    /**
     * @param jar the jar this sidecar runs from, or null; @param running its version, or null;
     * @param impossible why this sidecar never restarts in place, or null when it may
     */
    SelfRestart(Path jar, ReleaseVersion running, String impossible, Consumer<String> log) {
        this.jar = jar;
        this.running = running;
        this.impossible = impossible;
        this.log = log;
    }

    /** The self-restart of {@code run}: possible under stop-start on Linux. */
    public static SelfRestart forRun(RestartSettings restart, Consumer<String> log) {
        return new SelfRestart(UpdaterInstall.runningJar(), ReleaseVersion.tryParse(
                SelfRestart.class.getPackage().getImplementationVersion()),
                whyNot(restart, System.getProperty("os.name", "")), log);
    }

    /** Why {@code run} with {@code restart} on {@code os} never restarts in place, or null when it may. */
    static String whyNot(RestartSettings restart, String os) {
        return restart.overlap() ? "under --restart overlap the host never stops, so there is no gap to restart in"
                : !os.equals("Linux") ? "there is no execve(2) on " + os : null;
    }

    /** {@code watch}: the container runtime restarts the sidecar's container, which costs the host nothing. */
    static SelfRestart never() {
        return new SelfRestart(null, null, "under watch the sidecar's own container restarts it", s -> { });
    }

    /** True when a newer jar of this sidecar takes effect at the next host update, without a restart by hand. */
    boolean possible() {
        return impossible == null && jar != null && running != null && !failed;
    }

    /** True when the loop must return so that {@code run} can {@link #exec}: the host is down, the swap journaled. */
    public boolean pending() {
        return plan != null;
    }

    /**
     * {@code mode} as the swap transaction sees it, except that step 6 of an install starts no host
     * when this sidecar restarts itself in place first.
     */
    HostControl around(HostMode mode) {
        return new HostControl() {
            @Override
            public Optional<RunningHost> startAfterSwap(SwapJournal journal, boolean rollingBack)
                    throws UpdaterException, InterruptedException {
                if (!rollingBack && journal.kind() == SwapJournal.Kind.INSTALL && mode.hostDown() && !mode.stopping()
                        && prepare(String.valueOf(journal.to().version()))) {
                    return Optional.empty();
                }
                return mode.startAfterSwap(journal, rollingBack);
            }

            @Override
            public GateResult awaitHealthy(RunningHost host) throws UpdaterException, InterruptedException {
                return mode.awaitHealthy(host);
            }

            @Override
            public void handOver(RunningHost host) throws UpdaterException, InterruptedException {
                mode.handOver(host);
            }

            @Override
            public void stopFailed(RunningHost host) throws UpdaterException, InterruptedException {
                mode.stopFailed(host);
            }

            @Override
            public boolean stopping() {
                return mode.stopping();
            }
        };
    }

    /** True when the jar on disk is a newer version and this process can be exec'd again; said once when it cannot. */
    private boolean prepare(String host) {
        if (!possible()) {
            return false;
        }
        String installed = UpdaterInstall.versionOf(jar);
        ReleaseVersion version = ReleaseVersion.tryParse(installed);
        if (version == null || !version.isNewerThan(running)) {
            return false;
        }
        try {
            libc = ProcessImage.libc();
            plan = ProcessImage.current();
        } catch (ProcessImage.ExecFailed | LinkageError e) {
            notRestarted(installed, host, e instanceof LinkageError ? "JNA cannot load here (" + e + ")" : e.getMessage());
            return false;
        }
        onDisk = installed;
        hostVersion = host;
        return true;
    }

    /**
     * Says so in one line, then replaces this process with the new sidecar; returns only when
     * {@code execve} failed, said why, and this sidecar must go on (it never tries again).
     * {@code sidecar.lock} must be released first: the new sidecar takes it.
     */
    public void exec() {
        ProcessImage.Plan planned = plan;
        plan = null;
        long pid = ProcessHandle.current().pid();
        SidecarLog.emit(log, LogEvent.info(RESTARTING, "restarting this sidecar (pid " + pid + ") in place to run"
                + " updater " + onDisk + " (was " + running + ") while the host is stopped for " + hostVersion
                + ": execve of " + planned.describe() + "; the new sidecar starts " + hostVersion + " and checks its"
                + " health", "pid", pid, "version", onDisk, "from", running.toString(), "host", hostVersion));
        try {
            ProcessImage.exec(libc, planned);
        } catch (ProcessImage.ExecFailed e) {
            notRestarted(onDisk, hostVersion, e.getMessage());
        }
    }

    private void notRestarted(String installed, String host, String why) {
        failed = true;
        SidecarLog.emit(log, LogEvent.warn(NOT_RESTARTED, "could not restart this sidecar (pid "
                + ProcessHandle.current().pid() + ") in place as updater " + installed + ": " + why + "; it goes on"
                + " running " + running + " and starts " + host + " itself. Updater " + installed + " takes effect"
                + " when the sidecar restarts (for example 'systemctl restart' of its service).", "version", installed,
                "from", running.toString(), "reason", why));
    }
}
