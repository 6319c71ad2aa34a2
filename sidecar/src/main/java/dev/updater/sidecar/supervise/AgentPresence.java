package dev.updater.sidecar.supervise;

import dev.updater.core.home.AgentRecord;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.text.HumanUnits;
import dev.updater.sidecar.log.LogEvent;
import dev.updater.sidecar.log.SidecarLog;
import dev.updater.sidecar.health.RunningHost;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * {@code run}: whether the host's agent will report into this sidecar's home. Threat to the operator,
 * not to the install: a {@code home=} that differs from {@code --home}, or a command without the
 * agent, leaves the sidecar supervising for ever with nothing to install and {@code status} saying
 * only "no agent has reported yet". The command is read once at start; then, when no agent has
 * reported for the serving host within the grace period (the health timeout: an agent writes
 * {@code agent.json} within a second of its host's start), that is said in the log and in
 * {@code status}.
 */
final class AgentPresence {
    private static final String JAVAAGENT = "-javaagent:";
    private static final String NO_AGENT = "the host command has no updater agent";

    private final UpdateHome home;
    private final List<String> command;
    private final Path target;
    private final Duration grace;
    private final Map<String, String> environment;
    private final SidecarReport report;
    private final Clock clock;
    private final Consumer<String> log;
    private long saidForPid = -1;

    AgentPresence(UpdateHome home, List<String> command, Path target, Duration grace, Map<String, String> environment,
                  SidecarReport report, Clock clock, Consumer<String> log) {
        this.home = home;
        this.command = List.copyOf(command);
        this.target = target;
        this.grace = grace;
        this.environment = environment;
        this.report = report;
        this.clock = clock;
        this.log = log;
    }

    /** At start, once: the command's agent and the home it writes to. */
    void checkCommand() {
        commandProblem().ifPresent(problem -> {
            String code = problem.startsWith(NO_AGENT) ? SidecarReport.AGENT_MISSING : SidecarReport.AGENT_HOME_DIFFERS;
            SidecarLog.emit(log, LogEvent.warn(code, problem));
            report.problem(code, problem);
        });
    }

    /** Every poll: a serving host whose agent has not reported within the grace period is said once. */
    void poll(Optional<RunningHost> serving) {
        if (serving.isEmpty()) {
            return;
        }
        RunningHost host = serving.get();
        Optional<AgentRecord> record = home.agentRecord().readQuietly();
        if (record.isPresent() && record.get().pid() == host.pid()) {
            // the agent reports here: that proves what reading the command could only guess
            report.clear(SidecarReport.AGENT_MISSING);
            report.clear(SidecarReport.AGENT_HOME_DIFFERS);
            if (report.clear(SidecarReport.NO_AGENT)) {
                SidecarLog.emit(log, LogEvent.info("agent-reported", "the host's agent (pid " + host.pid()
                        + ") reported; the sidecar has its releases now", "pid", host.pid()));
            }
            return;
        }
        if (saidForPid == host.pid() || clock.instant().isBefore(host.startedAt().plus(grace))) {
            return;
        }
        saidForPid = host.pid();
        String sentence = "no agent has reported into " + home.agentRecord() + " within " + HumanUnits.setting(grace)
                + " of the host's start (pid " + host.pid() + "), so nothing is staged and nothing will be installed:"
                + " the command after '--' has no -javaagent:…updater.jar, its home= names another folder than"
                + " --home " + home.dir() + ", or its configuration disabled it (look for 'updater agent disabled' in"
                + " the host's output)";
        SidecarLog.emit(log, LogEvent.warn(SidecarReport.NO_AGENT, sentence, "pid", host.pid()));
        report.problem(SidecarReport.NO_AGENT, sentence);
    }

    /** What is wrong with the command's agent, when something clearly is. */
    Optional<String> commandProblem() {
        List<String> agents = new ArrayList<>();
        for (String arg : command) {
            if (arg.startsWith(JAVAAGENT)) {
                agents.add(arg.substring(JAVAAGENT.length()));
            }
        }
        for (String variable : List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS")) {
            String value = environment.get(variable);
            if (value != null && value.contains(JAVAAGENT)) {
                return Optional.empty(); // the agent may come from there: the grace period tells
            }
        }
        Optional<String> updater = agents.stream().filter(AgentPresence::isUpdaterAgent).findFirst();
        if (updater.isEmpty()) {
            return Optional.of(NO_AGENT + " (-javaagent:…updater.jar=home=" + home.dir()
                    + ",manifest=…,key=…): nothing will check for releases or stage them, and this sidecar has"
                    + " nothing to install. Add it to the command after '--' (see docs/agent.md).");
        }
        String args = updater.get().contains("=") ? updater.get().substring(updater.get().indexOf('=') + 1) : "";
        Optional<Path> agentHome = agentHome(args);
        if (agentHome.isPresent() && !sameFolder(agentHome.get(), home.dir())) {
            return Optional.of("the host command's agent writes to the update home " + agentHome.get()
                    + (args.contains("home=") ? " (home= in " : " (its default beside the target, for ")
                    + JAVAAGENT + updater.get() + "), but this sidecar watches --home " + home.dir()
                    + ": nothing the agent stages would be installed. Give both the same folder.");
        }
        return Optional.empty();
    }

    private static boolean sameFolder(Path a, Path b) {
        try {
            return a.equals(b) || (java.nio.file.Files.exists(a) && java.nio.file.Files.isSameFile(a, b));
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** The agent jar's name says updater, or its arguments are updater's. */
    private static boolean isUpdaterAgent(String agent) {
        int eq = agent.indexOf('=');
        String jar = Path.of(eq < 0 ? agent : agent.substring(0, eq)).getFileName().toString();
        String args = eq < 0 ? "" : agent.substring(eq + 1);
        return jar.contains("updater") || args.startsWith("home=") || args.contains(",home=")
                || args.startsWith("manifest=") || args.contains(",manifest=");
    }

    /**
     * Where the agent writes, as its configuration loader decides (home= first, then updater.home, then
     * UPDATER_HOME, else {@code .updater} beside the target); empty where a config= file may say.
     */
    private Optional<Path> agentHome(String args) {
        String home = null;
        for (String part : args.split(",")) {
            String item = part.strip();
            if (item.startsWith("home=")) {
                home = item.substring("home=".length()).strip();
            } else if (item.startsWith("config=")) {
                return Optional.empty();
            }
        }
        if (home == null) {
            home = command.stream().filter(a -> a.startsWith("-Dupdater.home=")).map(a -> a.substring(15))
                    .findFirst().orElse(environment.get("UPDATER_HOME"));
        }
        if (home == null && target != null) {
            return Optional.of(target.toAbsolutePath().getParent().resolve(".updater").normalize());
        }
        return home == null || home.isBlank() ? Optional.empty() : Optional.of(Path.of(home).toAbsolutePath().normalize());
    }
}
