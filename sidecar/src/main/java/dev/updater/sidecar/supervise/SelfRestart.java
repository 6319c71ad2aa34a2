package dev.updater.sidecar.supervise;

import com.sun.jna.NativeLibrary;
import dev.updater.core.UpdaterException;
import dev.updater.core.home.HistoryEvent;
import dev.updater.core.home.SwapJournal;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.version.ReleaseVersion;
import dev.updater.sidecar.health.GateResult;
import dev.updater.sidecar.health.RunningHost;
import dev.updater.sidecar.log.LogEvent;
import dev.updater.sidecar.log.SidecarLog;
import dev.updater.sidecar.selfupdate.UpdaterInstall;
import dev.updater.sidecar.swap.HostControl;

import java.nio.file.Path;
import java.time.Instant;
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
 * <p>A stop (SIGTERM, SIGINT) that reaches the sidecar between the loop's end and the exec wins: the
 * shutdown hook calls {@link #stopAsked} before anything else, and {@link #exec} checks it under the same
 * lock, so a sidecar asked to stop exits (143) instead of exec'ing into a new one that would start the
 * host against the operator's stop; the journal stays {@code pendingStart}, which the next start finishes.
 * Once the check has passed, the hook waits for the exec: it replaces the process, or it failed and the
 * sidecar exits. The check is the last step before the {@code execv} call (after the fds and the signal
 * mask). Threat left: a stop in the microseconds between that check and the kernel's exec is taken by
 * the old image and lost with it; the new sidecar runs on (a second stop ends it).
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
    private final UpdateHome home;
    private final Consumer<String> log;
    /** Guards {@link #stopAsked} against {@link #exec}: a stop either comes first, or waits for the exec. */
    private final Object execLock = new Object();
    private boolean stopAsked;
    private boolean executing;
    private NativeLibrary libc;
    private ProcessImage.Plan plan; // set when the loop must return so that run can exec
    private String onDisk;
    private String hostVersion;
    private boolean failed;

    /**
     * @param jar the jar this sidecar runs from, or null; @param running its version, or null;
     * @param impossible why this sidecar never restarts in place, or null when it may;
     * @param home where the restart is written into the history, or null (never restarts)
     */
    SelfRestart(Path jar, ReleaseVersion running, String impossible, UpdateHome home, Consumer<String> log) {
        this.jar = jar;
        this.running = running;
        this.impossible = impossible;
        this.home = home;
        this.log = log;
    }

    /** The self-restart of {@code run} on {@code home}: possible under stop-start on Linux. */
    public static SelfRestart forRun(RestartSettings restart, UpdateHome home, Consumer<String> log) {
        return new SelfRestart(UpdaterInstall.runningJar(), ReleaseVersion.tryParse(
                SelfRestart.class.getPackage().getImplementationVersion()),
                whyNot(restart, System.getProperty("os.name", "")), home, log);
    }

    /** Why {@code run} with {@code restart} on {@code os} never restarts in place, or null when it may. */
    static String whyNot(RestartSettings restart, String os) {
        return restart.overlap() ? "under --restart overlap the host never stops, so there is no gap to restart in"
                : !os.equals("Linux") ? "there is no execve(2) on " + os : null;
    }

    /** {@code watch}: the container runtime restarts the sidecar's container, which costs the host nothing. */
    static SelfRestart never() {
        return new SelfRestart(null, null, "under watch the sidecar's own container restarts it", null, s -> { });
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
     * The shutdown hook's first step: from now on {@link #exec} execs nothing. When an exec has already
     * passed its check, waits for it: it replaces this process, or it failed and {@code run} returns.
     */
    void stopAsked() {
        synchronized (execLock) {
            stopAsked = true;
            while (executing) {
                try {
                    execLock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /**
     * Says so in one line and in the history, then replaces this process with the new sidecar. Returns
     * only when it did not: true when {@code execve} failed, said why, and this sidecar must go on (it never
     * tries again); false when a stop was asked first, and {@code run} must return (the journal stays
     * {@code pendingStart}, for the next start). {@code sidecar.lock} must be released first: the new
     * sidecar takes it.
     */
    public boolean exec() {
        ProcessImage.Plan planned = plan;
        plan = null;
        long pid = ProcessHandle.current().pid();
        // said before the check, so that nothing slow lies between the check and execve
        String sentence = "restarting this sidecar (pid " + pid + ") in place to run updater " + onDisk + " (was "
                + running + ") while the host is stopped for " + hostVersion;
        history(sentence);
        SidecarLog.emit(log, LogEvent.info(RESTARTING, sentence + ": execve of " + planned.describe() + "; the new"
                + " sidecar starts " + hostVersion + " and checks its health", "pid", pid, "version", onDisk, "from",
                running.toString(), "host", hostVersion));
        try {
            if (!ProcessImage.exec(libc, planned, this::lastCheck)) {
                stoppedFirst(pid);
                return false;
            }
            return true; // not reached: a successful exec does not return
        } catch (ProcessImage.ExecFailed e) {
            synchronized (execLock) {
                executing = false;
                execLock.notifyAll();
                if (stopAsked) { // the hook waited for this: exit as asked, the next start finishes the swap
                    stoppedFirst(pid);
                    return false;
                }
            }
            notRestarted(onDisk, hostVersion, e.getMessage());
            return true;
        }
    }

    /** The last word before execve: no when a stop was asked; yes makes a stop from now on wait for the exec. */
    private boolean lastCheck() {
        synchronized (execLock) {
            if (stopAsked) {
                return false;
            }
            executing = true;
            return true;
        }
    }

    private void stoppedFirst(long pid) {
        String sentence = "did not restart this sidecar (pid " + pid + ") in place as updater " + onDisk + ": it was"
                + " asked to stop first; it exits running " + running + ", and " + hostVersion + " is swapped in but"
                + " not started: the next 'updater-sidecar run' on " + homeDir() + " runs updater " + onDisk
                + ", starts " + hostVersion + " and checks its health";
        SidecarLog.emit(log, LogEvent.info(NOT_RESTARTED, sentence, "version", onDisk, "from", running.toString(),
                "reason", "stopping"));
        history(sentence);
    }

    private void notRestarted(String installed, String host, String why) {
        failed = true;
        String sentence = "could not restart this sidecar (pid " + ProcessHandle.current().pid() + ") in place as"
                + " updater " + installed + ": " + why + "; it goes on running " + running + " and starts " + host
                + " itself. Updater " + installed + " takes effect when the sidecar restarts (for example 'systemctl"
                + " restart' of its service).";
        SidecarLog.emit(log, LogEvent.warn(NOT_RESTARTED, sentence, "version", installed, "from", running.toString(),
                "reason", why));
        history(sentence);
    }

    /** One line in history.jsonl; a history that cannot be written costs the line, never the restart. */
    private void history(String sentence) {
        if (home == null) {
            return;
        }
        try {
            home.history().append(new HistoryEvent(Instant.now(), HistoryEvent.Kind.SIDECAR_RESTART, null, null,
                    sentence));
        } catch (UpdaterException e) {
            log.accept("could not write the sidecar's restart into " + home.dir() + "'s history: " + e.getMessage());
        }
    }

    private Object homeDir() {
        return home == null ? "this home" : home.dir();
    }
}
