package dev.updater.sidecar.supervise;

import dev.updater.core.home.RestartRecord;
import dev.updater.sidecar.overlap.ProbePorts;

import java.util.Objects;

/**
 * How {@code run} restarts its host for an update ({@code --restart}, {@code --probe-ports}).
 *
 * @param mode stop-start (the default), or overlap (Linux: the new host starts beside the old one)
 * @param probePorts the source ports overlap mode's health probe connects from
 */
public record RestartSettings(RestartRecord.Mode mode, ProbePorts probePorts) {
    /** {@code watch}, and {@code run} without {@code --restart}. */
    public static final RestartSettings STOP_START = new RestartSettings(RestartRecord.Mode.STOP_START, ProbePorts.DEFAULT);

    public RestartSettings {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(probePorts, "probePorts");
    }

    boolean overlap() {
        return mode == RestartRecord.Mode.OVERLAP;
    }
}
