package dev.updater.sidecar.health;

import dev.updater.core.text.HumanUnits;
import dev.updater.core.home.AgentRecord;
import dev.updater.core.home.HomeRecordFile;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Step 7 of the swap (DESIGN §5): decides whether a freshly started host is healthy. It passes
 * once the host has stayed alive for {@code minUptime} and, with a health URL, the URL has answered
 * 2xx; it fails when the host exits first, or {@code timeout} after its start. The agent's own
 * readiness (its host's first listening socket, in {@code agent.json}) is reported with the verdict
 * but not required: the agent cannot see it on every OS nor for every host, and a gate that waited
 * for it would roll back every release of a host that never listens. Give a health URL for a gate
 * that checks the application itself.
 *
 * <pre>{@code
 * GateResult r = new HealthGate(new GateSettings(URI.create("http://127.0.0.1:8080/health"),
 *         Duration.ofSeconds(10), Duration.ofSeconds(60)), home.agentRecord()).await(host, () -> stopping);
 * }</pre>
 */
public final class HealthGate {
    /** Loopback probes are cheap; a short period keeps the gate's own delay far below the 200 ms budget. */
    private static final Duration POLL = Duration.ofMillis(20);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);
    private static final String NO_ANSWER = "no answer yet";

    private final GateSettings settings;
    private final HomeRecordFile<AgentRecord> agentRecord;
    private HttpClient http;

    public HealthGate(GateSettings settings, HomeRecordFile<AgentRecord> agentRecord) {
        this.settings = settings;
        this.agentRecord = agentRecord;
    }

    public GateSettings settings() {
        return settings;
    }

    /** What a host must do to pass: {@code alive 10s, http://127.0.0.1:8080/health answering 2xx, within 1m}. */
    public String terms() {
        return "alive " + HumanUnits.setting(settings.minUptime())
                + (settings.healthUrl() == null ? "" : ", " + settings.healthUrl() + " answering 2xx")
                + ", within " + HumanUnits.setting(settings.timeout());
    }

    /**
     * Watches {@code host} until it passes or fails, or {@code cancelled} turns true (the sidecar is
     * stopping: the verdict is left to the next start).
     */
    public GateResult await(RunningHost host, BooleanSupplier cancelled) throws InterruptedException {
        Instant started = host.startedAt();
        Instant uptimeReached = started.plus(settings.minUptime());
        Instant deadline = started.plus(settings.timeout());
        boolean urlAnswered = settings.healthUrl() == null;
        String lastAnswer = NO_ANSWER;
        while (true) {
            if (cancelled.getAsBoolean()) {
                return new GateResult(GateResult.Verdict.CANCELLED, "the sidecar is stopping", since(started));
            }
            if (!host.isAlive()) {
                return new GateResult(GateResult.Verdict.FAILED, host.neverStarted() != null ? host.neverStarted()
                        : "the host " + host.describeExit() + " before it passed", since(started));
            }
            Duration remaining = Duration.between(Instant.now(), deadline);
            if (!urlAnswered && !remaining.isNegative() && !remaining.isZero()) {
                Answer answer = probe(remaining);
                urlAnswered = answer.ok();
                // A probe cut short by the deadline says less than the answer before it.
                if (!answer.cutShort() || lastAnswer.equals(NO_ANSWER)) {
                    lastAnswer = answer.seen();
                }
            }
            Instant now = Instant.now();
            if (!now.isBefore(uptimeReached) && urlAnswered && host.isAlive()) {
                return new GateResult(GateResult.Verdict.PASSED, passedBecause(agentReadiness(host.pid())),
                        since(started));
            }
            if (!now.isBefore(deadline)) {
                return new GateResult(GateResult.Verdict.FAILED, "the host did not pass within "
                        + HumanUnits.setting(settings.timeout()) + ": " + missing(lastAnswer), since(started));
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    private String passedBecause(Readiness agent) {
        StringBuilder sb = new StringBuilder("alive for " + HumanUnits.setting(settings.minUptime()));
        if (settings.healthUrl() != null) {
            sb.append(", ").append(settings.healthUrl()).append(" answered 2xx");
        }
        if (agent == Readiness.READY) {
            sb.append(", its agent reported ready");
        }
        return sb.toString();
    }

    /** What kept a live host from passing: minUptime never exceeds the timeout, so only the URL can. */
    private String missing(String lastAnswer) {
        return settings.healthUrl() + " never answered 2xx (last: " + lastAnswer + ")";
    }

    /**
     * What one probe saw.
     *
     * @param ok a 2xx answer
     * @param seen what was seen otherwise: {@code HTTP 503}, {@code connection refused}
     * @param cutShort it timed out only because the gate's deadline came first
     */
    private record Answer(boolean ok, String seen, boolean cutShort) {
        static Answer of(String seen) {
            return new Answer(false, seen, false);
        }
    }

    private Answer probe(Duration remaining) throws InterruptedException {
        Duration timeout = remaining.compareTo(REQUEST_TIMEOUT) < 0 ? remaining : REQUEST_TIMEOUT;
        try {
            HttpResponse<Void> response = client().send(HttpRequest.newBuilder(settings.healthUrl())
                    .timeout(timeout).GET().build(), HttpResponse.BodyHandlers.discarding());
            int status = response.statusCode();
            return status >= 200 && status < 300 ? new Answer(true, "HTTP " + status, false) : Answer.of("HTTP " + status);
        } catch (ConnectException e) {
            return Answer.of("connection refused");
        } catch (HttpTimeoutException e) {
            return timeout.compareTo(REQUEST_TIMEOUT) < 0
                    ? new Answer(false, "no answer before the deadline", true)
                    : Answer.of("no answer within " + HumanUnits.setting(timeout));
        } catch (IOException e) {
            return Answer.of(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }

    private synchronized HttpClient client() {
        if (http == null) {
            http = HttpClient.newBuilder()
                    .connectTimeout(CONNECT_TIMEOUT)
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .build();
        }
        return http;
    }

    private enum Readiness { NO_AGENT, NOT_READY, READY }

    private Readiness agentReadiness(long pid) {
        // an unreadable record says nothing about this host
        Optional<AgentRecord> record = agentRecord.readQuietly();
        if (record.isEmpty() || record.get().pid() != pid || pid < 0) {
            return Readiness.NO_AGENT;
        }
        return record.get().ready() && !record.get().exiting() ? Readiness.READY : Readiness.NOT_READY;
    }

    private static Duration since(Instant started) {
        Duration d = Duration.between(started, Instant.now());
        return d.isNegative() ? Duration.ZERO : d;
    }
}
