package dev.updater.sidecar.health;


import dev.updater.core.text.HumanUnits;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * What a new host must show to pass its health gate.
 *
 * @param healthUrl an HTTP URL that must answer 2xx, or null to judge by uptime and the agent alone
 * @param minUptime how long the host must stay alive after it starts
 * @param timeout how long after its start the host has to pass; at least {@code minUptime}
 */
public record GateSettings(URI healthUrl, Duration minUptime, Duration timeout) {
    public GateSettings {
        Objects.requireNonNull(minUptime, "minUptime");
        Objects.requireNonNull(timeout, "timeout");
        if (minUptime.isNegative() || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("The health gate needs a positive timeout and a non-negative"
                    + " minimum uptime, got " + HumanUnits.setting(timeout) + " and " + HumanUnits.setting(minUptime));
        }
        if (minUptime.compareTo(timeout) > 0) {
            throw new IllegalArgumentException("--min-uptime " + HumanUnits.setting(minUptime) + " is longer than"
                    + " --health-timeout " + HumanUnits.setting(timeout) + ", so no host could ever pass; lower the"
                    + " first or raise the second.");
        }
        if (healthUrl != null && !("http".equals(healthUrl.getScheme()) || "https".equals(healthUrl.getScheme()))) {
            throw new IllegalArgumentException("--health-url " + healthUrl + " is not an http or https URL;"
                    + " write it as http://127.0.0.1:8080/health.");
        }
    }
}
