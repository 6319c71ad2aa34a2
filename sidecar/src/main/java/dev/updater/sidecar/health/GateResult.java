package dev.updater.sidecar.health;

import java.time.Duration;

/**
 * The verdict of a health gate.
 *
 * @param verdict passed, failed, or cancelled because the sidecar is stopping
 * @param reason one sentence: why it failed, or what it saw when it passed
 * @param took from the host's start to the verdict
 */
public record GateResult(Verdict verdict, String reason, Duration took) {
    public enum Verdict { PASSED, FAILED, CANCELLED }

    public boolean passed() {
        return verdict == Verdict.PASSED;
    }
}
