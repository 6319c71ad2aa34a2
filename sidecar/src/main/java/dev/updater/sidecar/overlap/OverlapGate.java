package dev.updater.sidecar.overlap;

import dev.updater.core.text.HumanUnits;
import dev.updater.sidecar.health.GateResult;
import dev.updater.sidecar.health.GateSettings;
import dev.updater.sidecar.health.RunningHost;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;

/**
 * Step 4 of overlap mode: gates the new host B while the old host A keeps every client. B passes when
 * it has stayed alive for {@code minUptime}, listens on every address and port A listens on (from
 * {@code /proc}, so B joined A's reuse-port groups), and, with a health URL, that URL answers 2xx
 * through the shared port from a probe port, which only B receives. B listening on an address or port
 * A does not is not a failure of B but a case overlap cannot handle: {@link Result#otherPorts}.
 */
public final class OverlapGate {
    private static final long POLL_MILLIS = 50;
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);

    private final GateSettings settings;
    private final ProbeClient probe;

    public OverlapGate(GateSettings settings, ProbePorts ports) {
        this.settings = settings;
        this.probe = new ProbeClient(ports);
    }

    /**
     * The verdict, or why overlap cannot judge B.
     *
     * @param verdict passed, failed or cancelled; null when {@code otherPorts} is set
     * @param otherPorts the sentence saying B listens where A does not, or null
     */
    public record Result(GateResult verdict, String otherPorts) {
    }

    /** What B must do: {@code alive 10s, listening on 127.0.0.1:8080, … answering 2xx from a probe port, within 1m}. */
    public String terms(Set<String> shared) {
        return "alive " + HumanUnits.setting(settings.minUptime()) + ", listening on " + String.join(", ", shared)
                + (settings.healthUrl() == null ? "" : ", " + settings.healthUrl() + " answering 2xx from a probe port")
                + ", within " + HumanUnits.setting(settings.timeout());
    }

    /** Watches {@code b} until it passes, fails, binds elsewhere, or {@code cancelled} turns true. */
    public Result await(RunningHost b, Set<String> shared, BooleanSupplier cancelled) throws InterruptedException {
        Instant started = b.startedAt();
        Instant uptimeReached = started.plus(settings.minUptime());
        Instant deadline = started.plus(settings.timeout());
        boolean urlAnswered = settings.healthUrl() == null;
        String lastAnswer = "no answer yet";
        Set<String> listening = Set.of();
        while (true) {
            if (cancelled.getAsBoolean()) {
                return verdict(GateResult.Verdict.CANCELLED, "the sidecar is stopping", started);
            }
            if (!b.isAlive()) {
                return verdict(GateResult.Verdict.FAILED, "the host " + b.describeExit() + " before it passed", started);
            }
            listening = listeningOf(b);
            Set<String> elsewhere = new TreeSet<>(listening);
            elsewhere.removeAll(shared);
            if (!elsewhere.isEmpty()) {
                return new Result(null, "the new host listens on " + String.join(", ", elsewhere) + ", where the old"
                        + " host does not (it listens on " + String.join(", ", shared) + ")");
            }
            boolean joined = listening.containsAll(shared);
            Duration remaining = Duration.between(Instant.now(), deadline);
            if (joined && !urlAnswered && remaining.toMillis() > 0) {
                // only once B is in every group: before, the program's index 1 falls back to A
                ProbeClient.Answer answer = probe.get(settings.healthUrl(),
                        remaining.compareTo(REQUEST_TIMEOUT) < 0 ? remaining : REQUEST_TIMEOUT);
                urlAnswered = answer.ok();
                lastAnswer = answer.seen();
            }
            Instant now = Instant.now();
            if (joined && urlAnswered && !now.isBefore(uptimeReached) && b.isAlive()) {
                return verdict(GateResult.Verdict.PASSED, "alive for " + HumanUnits.setting(settings.minUptime())
                        + ", listening on " + String.join(", ", shared) + " beside the old host"
                        + (settings.healthUrl() == null ? "" : ", " + settings.healthUrl() + " answered 2xx from a"
                        + " probe port"), started);
            }
            if (!now.isBefore(deadline)) {
                return verdict(GateResult.Verdict.FAILED, "the host did not pass within "
                        + HumanUnits.setting(settings.timeout()) + ": " + (joined
                        ? settings.healthUrl() + " never answered 2xx from a probe port (last: " + lastAnswer + ")"
                        : "it never listened on " + missing(shared, listening)), started);
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    private static String missing(Set<String> shared, Set<String> listening) {
        Set<String> missing = new TreeSet<>(shared);
        missing.removeAll(listening);
        return String.join(", ", missing);
    }

    private static Set<String> listeningOf(RunningHost b) {
        try {
            return ListeningSockets.labels(ListeningSockets.of(b.pid()));
        } catch (IOException e) {
            return Set.of(); // looked at again at the next poll; the deadline still holds
        }
    }

    private static Result verdict(GateResult.Verdict verdict, String reason, Instant started) {
        Duration took = Duration.between(started, Instant.now());
        return new Result(new GateResult(verdict, reason, took.isNegative() ? Duration.ZERO : took), null);
    }
}
