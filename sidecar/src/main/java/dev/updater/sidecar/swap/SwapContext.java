package dev.updater.sidecar.swap;

import dev.updater.core.home.UpdateHome;

import java.time.Clock;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * What every transaction of one sidecar shares. The health gate is not here: it belongs to the mode
 * that starts hosts ({@link HostControl#awaitHealthy}).
 *
 * @param home the update home
 * @param keepBackups how many backups to keep after a commit
 * @param clock the time written into records
 * @param log where one-line progress reports go ({@code run} and {@code watch} print them)
 */
public record SwapContext(UpdateHome home, int keepBackups, Clock clock, Consumer<String> log) {
    public SwapContext {
        Objects.requireNonNull(home, "home");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(log, "log");
        if (keepBackups < 1) {
            throw new IllegalArgumentException("--keep-backups must be at least 1, got " + keepBackups
                    + ": a rollback needs the previous version.");
        }
    }
}
