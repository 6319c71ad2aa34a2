package dev.updater.sidecar.supervise;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.home.IncomingHostRecord;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.version.ReleaseVersion;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The trace an overlap update leaves in the home while the new host B runs beside the old one
 * ({@code incoming-host.json}), so that a sidecar killed mid-overlap leaves nothing running unseen:
 * the old host still holds {@code host.lock} and is stopped by the next sidecar's take-over, but B
 * holds nothing the next sidecar could find it by. B is known by its pid and its start time: a pid
 * alone may have been given to an unrelated process since, which must never be signalled.
 */
final class InterruptedOverlap {
    private InterruptedOverlap() {
    }

    /** Records B as it starts; returns it. A record that cannot be written costs only this safety net: said. */
    static ChildHost began(UpdateHome home, ChildHost incoming, ReleaseVersion version, Consumer<String> log) {
        Optional<Instant> started = incoming.handle().info().startInstant();
        try {
            if (started.isEmpty()) {
                throw new UpdaterException(ErrorCode.HOME_UNUSABLE, "the system does not report its start time");
            }
            if (version == null) {
                throw new UpdaterException(ErrorCode.HOME_UNUSABLE, "the release's version is not known");
            }
            home.incomingHostRecord().write(new IncomingHostRecord(incoming.pid(), started.get(), version));
        } catch (UpdaterException e) {
            log.accept("the new host (pid " + incoming.pid() + ") is not recorded in " + home.incomingHostRecord()
                    + " (" + e.getMessage() + "): if this sidecar is killed before the update ends, stop that pid by hand");
        }
        return incoming;
    }

    /** B is the host now, or has been stopped: nothing is left to clean up. */
    static void ended(UpdateHome home) {
        try {
            home.incomingHostRecord().delete();
        } catch (UpdaterException e) {
            // the next sidecar finds the pid gone, or given to another start time, and forgets it then
        }
    }

    /**
     * Before anything else at a sidecar's start: stops a B left running by a sidecar killed mid-overlap
     * (SIGTERM, then SIGKILL after {@code stopTimeout}) and forgets the record.
     *
     * @throws UpdaterException {@code HOST_NOT_STOPPED} when that B could not be stopped (the record stays)
     */
    static void stopLeftOverHost(UpdateHome home, Duration stopTimeout, Consumer<String> log)
            throws UpdaterException, InterruptedException {
        Optional<IncomingHostRecord> record = home.incomingHostRecord().readQuietly();
        if (record.isEmpty()) {
            ended(home); // none, or unreadable: either way there is nothing this sidecar could safely signal
            return;
        }
        IncomingHostRecord b = record.get();
        Optional<ProcessHandle> process = ProcessHandle.of(b.pid()).filter(ProcessHandle::isAlive)
                .filter(p -> p.info().startInstant().filter(b.startedAt()::equals).isPresent());
        if (process.isPresent()) {
            log.accept("the new host of an overlap update that a previous sidecar left unfinished (pid " + b.pid()
                    + ", " + b.version() + ") still runs; stopping it before anything else");
            if (!stop(process.get(), stopTimeout)) {
                throw new UpdaterException(ErrorCode.HOST_NOT_STOPPED, "The new host of an unfinished overlap update"
                        + " (pid " + b.pid() + ", recorded in " + home.incomingHostRecord() + ") did not stop; stop it"
                        + " by hand, then start the sidecar again.");
            }
            log.accept("stopped the left-over new host (pid " + b.pid() + ")");
        }
        ended(home);
    }

    private static boolean stop(ProcessHandle process, Duration timeout) throws InterruptedException {
        process.destroy();
        if (exited(process, timeout)) {
            return true;
        }
        process.destroyForcibly();
        return exited(process, timeout);
    }

    private static boolean exited(ProcessHandle process, Duration timeout) throws InterruptedException {
        try {
            process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException | ExecutionException e) {
            return !process.isAlive();
        }
    }
}
