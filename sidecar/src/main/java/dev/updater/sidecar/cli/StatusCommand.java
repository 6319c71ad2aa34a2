package dev.updater.sidecar.cli;

import dev.updater.core.text.HumanUnits;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.updater.core.UpdaterException;
import dev.updater.core.home.AgentRecord;
import dev.updater.core.home.Backup;
import dev.updater.core.home.InstalledRelease;
import dev.updater.core.home.Quarantine;
import dev.updater.core.home.RestartRecord;
import dev.updater.core.home.SidecarRecord;
import dev.updater.core.home.StagedRelease;
import dev.updater.core.home.SwapJournal;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.json.Json;
import dev.updater.core.text.Printable;
import dev.updater.sidecar.selfupdate.DailySelfCheck;
import dev.updater.sidecar.supervise.ApplyPolicy;
import dev.updater.sidecar.supervise.HomeStatus;
import dev.updater.sidecar.ExitCode;
import dev.updater.sidecar.cli.ExitCodes.Code;
import dev.updater.sidecar.swap.ReleaseLink;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code updater-sidecar status}: what runs, what is installed, staged and quarantined, and the last swap. */
@Command(
        name = "status",
        sortOptions = false,
        description = {
                "Shows an update home: the running host (pid, version, readiness), the installed version and its"
                        + " SHA-256, the staged release (and whether it waits for 'apply', and why), the last check"
                        + " and error, quarantined versions, backups, the last swap transaction and how the last update"
                        + " restarted the host (overlap, or stop-start and why), and the updater's own version"
                        + " (and whether a newer one is out: asked of the updater's channel at most once a day).",
                "Reads the home only; safe to run at any time."
        },
        footerHeading = "%nExamples:%n",
        footer = {
                "  updater-sidecar status --home /var/lib/app/updates",
                "  updater-sidecar status --home /var/lib/app/updates --json | jq .installed.version"
        })
@ExitCodes({
        @Code(value = ExitCode.OK, means = "shown"),
        @Code(value = ExitCode.FAILED, means = "the home cannot be read (the message says why)"),
        @Code(ExitCode.USAGE)})
final class StatusCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    HelpOption help;

    @Mixin
    HomeOption home;

    @Option(names = "--json", description = "Print one JSON object instead of text, for scripts. Default: false.")
    boolean json;

    @Option(names = "--no-self-check",
            description = "Do not ask the updater's own channel whether a newer updater exists (status asks it at"
                    + " most once a day; UPDATER_NO_SELF_CHECK=1 does the same). Default: false.")
    boolean noSelfCheck;

    @Override
    public Integer call() throws UpdaterException {
        UpdateHome updateHome = home.existing();
        HomeStatus status = HomeStatus.read(updateHome);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(json(status));
        } else {
            printText(status, out);
            out.println("Updater:      " + DailySelfCheck.line(!noSelfCheck && !DailySelfCheck.optedOutByEnvironment(),
                    Clock.systemUTC()));
        }
        out.flush();
        return ExitCode.OK.code();
    }

    /** What {@code --json} prints, without the line end; the sidecar's {@code /status} serves the same. */
    static String json(HomeStatus s) {
        return PrintableJson.write(toJson(s));
    }

    static ObjectNode toJson(HomeStatus s) {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("home", s.home().dir().toString());

        ObjectNode sidecar = root.putObject("sidecar");
        sidecar.put("running", s.sidecarPid().isPresent());
        putLong(sidecar, "pid", s.sidecarPid().isPresent() && s.sidecarPid().getAsLong() > 0
                ? s.sidecarPid().getAsLong() : null);
        SidecarRecord sr = s.sidecar();
        sidecar.put("version", sr == null ? null : sr.version());
        sidecar.put("applyPolicy", sr == null ? null : sr.applyPolicy());
        sidecar.put("waitingFor", sr == null ? null : sr.waitingFor());
        ArrayNode problems = sidecar.putArray("problems");
        for (SidecarRecord.Problem p : sr == null ? List.<SidecarRecord.Problem>of() : sr.problems()) {
            ObjectNode o = problems.addObject();
            o.put("code", p.code());
            o.put("message", p.message());
            putInstant(o, "since", p.since());
        }
        String metricsProblem = metricsProblem(sr);
        if (sr == null || (sr.metricsUrl() == null && metricsProblem == null)) {
            sidecar.putNull("metrics");
        } else {
            ObjectNode metrics = sidecar.putObject("metrics");
            metrics.put("url", sr.metricsUrl());
            metrics.put("problem", metricsProblem);
        }

        ObjectNode running = root.putObject("running");
        AgentRecord a = s.agent();
        boolean alive = a != null && s.hostAlive() && !a.exiting();
        running.put("alive", alive);
        putText(running, "version", alive ? a.runningVersion() : null);
        putLong(running, "pid", alive ? a.pid() : null);
        running.put("ready", alive && a.ready());
        putInstant(running, "readyAt", alive ? a.readyAt() : null);
        putInstant(running, "startedAt", alive ? a.startedAt() : null);
        running.put("target", a == null ? null : a.target());
        running.put("lockProblem", s.hostLockProblem());

        ObjectNode installed = root.putObject("installed");
        InstalledRelease i = s.installed();
        putText(installed, "version", i == null ? null : i.version());
        putText(installed, "sha256", i == null ? null : i.sha256());
        installed.put("target", i == null ? null : i.target());
        installed.put("releaseFolder", releaseFolder(i).map(Path::toString).orElse(null));
        putText(installed, "previousVersion", i == null ? null : i.previousVersion());
        putInstant(installed, "installedAt", i == null ? null : i.installedAt());

        StagedRelease st = s.staged();
        if (st == null) {
            root.putNull("staged");
        } else {
            ObjectNode staged = root.putObject("staged");
            putText(staged, "version", st.version());
            staged.put("file", st.file());
            staged.put("size", st.size());
            putText(staged, "sha256", st.sha256());
            staged.put("needsApproval", st.needsApproval());
            staged.put("approvalReason", st.approvalReason());
            putInstant(staged, "releaseDate", st.releaseDate());
            putInstant(staged, "stagedAt", st.stagedAt());
            staged.put("deltaFetched", st.deltaFetched());
        }

        ArrayNode quarantined = root.putArray("quarantined");
        for (Quarantine.Entry e : s.quarantine().versions()) {
            ObjectNode q = quarantined.addObject();
            putText(q, "version", e.version());
            q.put("reason", e.reason());
            q.put("held", e.held());
            putInstant(q, "at", e.at());
        }

        ObjectNode check = root.putObject("lastCheck");
        putInstant(check, "at", a == null ? null : a.lastCheckAt());
        check.put("result", a == null ? null : a.lastCheckResult());
        root.put("lastError", a == null ? null : a.lastError());

        SwapJournal j = s.journal();
        if (j == null) {
            root.putNull("lastTransaction");
        } else {
            ObjectNode t = root.putObject("lastTransaction");
            t.put("kind", j.kind().label());
            t.put("state", j.state().label());
            t.put("from", Objects.toString(j.from().version(), null));
            t.put("to", Objects.toString(j.to().version(), null));
            t.put("attempts", j.attempts());
            t.put("resumes", j.resumes());
            t.put("gateFailure", j.gateFailure());
            t.put("detail", j.detail());
            putInstant(t, "startedAt", j.startedAt());
            putInstant(t, "updatedAt", j.updatedAt());
        }

        RestartRecord r = s.restart();
        if (r == null) {
            root.putNull("lastRestart");
        } else {
            ObjectNode restart = root.putObject("lastRestart");
            restart.put("mode", r.mode().wireName());
            restart.put("fallback", r.fallback());
            putText(restart, "version", r.version());
            restart.put("tcpMigrateReq", r.tcpMigrateReq());
            putInstant(restart, "at", r.at());
            putText(restart, "steering", r.steering());
        }

        ArrayNode backups = root.putArray("backups");
        for (Backup b : s.backups()) {
            ObjectNode o = backups.addObject();
            o.put("version", Objects.toString(b.version(), null));
            o.put("sha256", b.sha256().hex());
            o.put("file", b.file());
            putInstant(o, "createdAt", b.createdAt());
        }
        return root;
    }

    /**
     * The records shown here were written by the host process (agent.json, staged.json) or by hand:
     * every value read from them is shown {@link Printable}, never as raw text.
     */
    private static void printText(HomeStatus s, PrintWriter out) {
        AgentRecord a = s.agent();
        out.println("Home:         " + s.home().dir());
        SidecarRecord sr = s.sidecar();
        out.println("Sidecar:      " + (s.sidecarPid().isEmpty() ? "not running"
                : "running" + (s.sidecarPid().getAsLong() > 0 ? " (pid " + s.sidecarPid().getAsLong() + ")" : ""))
                + (sr == null || sr.version() == null ? "" : ", updater " + Printable.of(sr.version())));
        if (sr != null) {
            String metricsProblem = metricsProblem(sr);
            if (sr.metricsUrl() != null || metricsProblem != null) {
                out.println("Metrics:      " + (sr.metricsUrl() != null ? Printable.of(sr.metricsUrl())
                        : "off: " + Printable.of(metricsProblem, Printable.MAX_LINE_LENGTH)));
            }
            out.println("Apply policy: " + Printable.of(sr.applyPolicy())
                    + (sr.waitingFor() == null ? "" : "; waiting for: " + Printable.of(sr.waitingFor())));
            for (SidecarRecord.Problem p : sr.problems()) {
                if (!p.code().equals(SidecarRecord.METRICS_UNAVAILABLE)) { // said on its own line below
                    out.println("Problem:      " + Printable.of(p.message(), Printable.MAX_LINE_LENGTH) + " (since "
                            + time(p.since()) + ")");
                }
            }
        }
        if (s.hostLockProblem() != null) {
            out.println("Host:         unknown: " + s.hostLockProblem());
        } else if (a == null) {
            out.println("Host:         no agent has reported yet");
        } else if (s.hostAlive() && !a.exiting()) {
            out.println("Host:         running " + orUnknown(a.runningVersion()) + ", pid " + a.pid() + ", "
                    + (a.ready() ? "ready since " + time(a.readyAt()) : "not ready yet"));
        } else {
            out.println("Host:         not running (last: " + orUnknown(a.runningVersion()) + ", pid " + a.pid() + ")");
        }
        InstalledRelease i = s.installed();
        out.println("Installed:    " + (i == null ? "unknown (no install yet and no agent record)"
                : orUnknown(i.version()) + "  sha256 " + Printable.of(i.sha256()) + "  " + Printable.of(i.target())));
        releaseFolder(i).ifPresent(folder -> out.println("              release folder " + Printable.of(folder)
                + ", via " + Printable.of(ReleaseLink.pointerOf(folder.getParent().getParent()))));
        StagedRelease st = s.staged();
        if (st == null) {
            out.println("Staged:       none");
        } else {
            boolean manual = sr != null && ApplyPolicy.tryParse(sr.applyPolicy()).map(ApplyPolicy::kind)
                    .equals(Optional.of(ApplyPolicy.Kind.MANUAL));
            out.println("Staged:       " + Printable.of(st.version()) + " (" + HumanUnits.bytes(st.size())
                    + (st.deltaFetched() == null ? "" : "; a delta fetched " + HumanUnits.bytes(st.deltaFetched())) + ")"
                    + (st.needsApproval() || manual ? ", waits for 'updater-sidecar apply --home " + s.home().dir() + "'"
                            + (st.approvalReason() != null ? ": " + Printable.of(st.approvalReason())
                            : manual ? " (apply=manual)" : "")
                    : ", installs as the apply policy says"));
        }
        if (a != null) {
            out.println("Last check:   " + (a.lastCheckAt() == null ? "none yet"
                    : time(a.lastCheckAt()) + (a.lastCheckResult() == null ? "" : "  " + Printable.of(a.lastCheckResult()))));
            out.println("Last error:   " + (a.lastError() == null ? "none"
                    : Printable.of(a.lastError(), Printable.MAX_LINE_LENGTH)));
        }
        if (s.quarantine().versions().isEmpty()) {
            out.println("Quarantined:  none");
        } else {
            for (int n = 0; n < s.quarantine().versions().size(); n++) {
                Quarantine.Entry e = s.quarantine().versions().get(n);
                out.println((n == 0 ? "Quarantined:  " : "              ") + Printable.of(e.version()) + " ("
                        + (e.held() ? "held back: " : "") + Printable.of(e.reason()) + ")");
            }
        }
        out.println("Backups:      " + (s.backups().isEmpty() ? "none" : String.join(", ",
                s.backups().stream().map(b -> orUnknown(b.version())).toList())));
        SwapJournal j = s.journal();
        out.println("Last swap:    " + (j == null ? "none" : Printable.of(j.describe()) + ": " + j.state().label() + " at "
                + time(j.updatedAt()) + (j.detail() == null ? "" : " (" + Printable.of(j.detail(), Printable.MAX_LINE_LENGTH) + ")")));
        RestartRecord r = s.restart();
        if (r != null) {
            out.println("Last update:  " + r.mode() + (r.fallback() == null ? "" : " (" + Printable.of(r.fallback(),
                    Printable.MAX_LINE_LENGTH) + ")") + steering(r.steering()) + ", " + orUnknown(r.version()) + " at " + time(r.at())
                    + (r.tcpMigrateReq() ? ", net.ipv4.tcp_migrate_req on" : ""));
        }
    }

    /** How an overlap steered, where it was not the usual duplicate of the old host's socket. */
    private static String steering(RestartRecord.SteeringPath steering) {
        return steering == null || steering == RestartRecord.SteeringPath.PIDFD ? ""
                : steering == RestartRecord.SteeringPath.SIDECAR_SOCKET
                ? " (steered through a socket of the sidecar's own: pidfd refused)" : " (steering " + steering + ")";
    }

    /** Records may lack a time (an older agent's, or one edited by hand). */
    private static String time(Instant at) {
        return at == null ? "unknown" : HumanUnits.time(at);
    }

    private static String orUnknown(Object version) {
        return version == null ? "unknown version" : Printable.of(version);
    }

    private static void putLong(ObjectNode node, String field, Long value) {
        if (value == null) {
            node.putNull(field);
        } else {
            node.put(field, value.longValue());
        }
    }

    private static void putInstant(ObjectNode node, String field, Instant value) {
        putText(node, field, value);
    }

    /** A version, a hash or an instant as its text, or JSON null. */
    private static void putText(ObjectNode node, String field, Object value) {
        node.put(field, value == null ? null : value.toString());
    }

    /** Why the metrics endpoint asked for is not open, or null. */
    private static String metricsProblem(SidecarRecord sr) {
        return sr == null ? null : sr.problems().stream().filter(p -> p.code().equals(SidecarRecord.METRICS_UNAVAILABLE))
                .map(SidecarRecord.Problem::message).findFirst().orElse(null);
    }

    /** For an archive layout, the folder {@code APP/current} points at now (DESIGN §5 "Archives"). */
    private static Optional<Path> releaseFolder(InstalledRelease installed) {
        return installed == null || installed.target() == null ? Optional.empty()
                : ReleaseLink.releaseFolderOf(Path.of(installed.target()));
    }
}
