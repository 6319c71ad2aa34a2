package dev.updater.sidecar.cli;

import dev.updater.core.UpdaterException;
import dev.updater.sidecar.ExitCode;
import dev.updater.sidecar.attach.AgentLoad;
import dev.updater.sidecar.attach.AttachTarget;
import dev.updater.sidecar.cli.ExitCodes.Code;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.jar.JarFile;

/**
 * {@code updater-sidecar attach --pid PID}: loads the agent into a JVM that runs now, through the Attach API,
 * with the options {@code -javaagent} would take (DESIGN §7 "Attach"). The checks and refusals are in
 * {@link AttachTarget}, the load in {@link AgentLoad}; this class reads the options and says what happened.
 */
@Command(
        name = "attach",
        sortOptions = false,
        description = {
                "Loads the updater agent into a JVM that is running now (the Attach API's agentmain), with the options"
                        + " -javaagent takes, so that status, check, apply and watch work on it at once; no restart.",
                "It waits until the agent wrote its first agent.json, then prints where its home is and the"
                        + " -javaagent option that keeps the agent across restarts. An agent already in the JVM is"
                        + " left alone: nothing new is started. Run it as the host's user, with a full JDK."
        },
        footerHeading = "%nExamples:%n",
        footer = {
                "  updater-sidecar attach --pid 4242 --home /var/lib/app/updates"
                        + " manifest=https://releases.example.com/app/manifest.json key=ed25519:MCowBQYDK2VwAyEA...",
                "  updater-sidecar attach --pid $(pgrep -f app.jar) config=/etc/app/updater.properties"
        })
@ExitCodes({
        @Code(value = ExitCode.OK, means = "the agent runs in the JVM and wrote agent.json, or it already ran there"
                + " with the same options"),
        @Code(value = ExitCode.FAILED, means = "refused or failed, nothing attached (the message says why: not"
                + " running, not a JVM, another user's, attach disabled, no jdk.attach, the agent disabled itself), or"
                + " already attached with other options"),
        @Code(ExitCode.USAGE)})
final class AttachCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    HelpOption help;

    @Option(names = "--pid", paramLabel = "PID", required = true,
            description = "The JVM to attach to. Example: --pid 4242")
    long pid;

    @Option(names = "--home", paramLabel = "DIR",
            description = "The update home, passed to the agent as home=DIR. Default: the agent's own (.updater"
                    + " beside the host's jar). Example: --home /var/lib/app/updates")
    Path home;

    @Option(names = "--agent-jar", paramLabel = "PATH",
            description = "The agent jar to load; the host's user must read it, and the -javaagent line names it."
                    + " Default: updater.jar beside updater-sidecar.jar (install.sh puts it there; 'updater-sidecar"
                    + " agent-jar --out PATH' writes one). Example: --agent-jar /opt/updater/updater.jar")
    Path agentJar;

    @Option(names = "--wait", paramLabel = "DURATION", defaultValue = "10s", converter = Converters.PositiveSpan.class,
            description = "How long the agent has to write its first agent.json. Default: ${DEFAULT-VALUE}."
                    + " Example: --wait 30s")
    Duration wait;

    @Parameters(paramLabel = "KEY=VALUE", arity = "0..*",
            description = "Agent options, one per argument, as for -javaagent:updater.jar=KEY=VALUE,... (see"
                    + " docs/agent.md). Example: manifest=https://releases.example.com/app/manifest.json")
    List<String> agentOptions = new ArrayList<>();

    @Override
    public Integer call() throws UpdaterException, InterruptedException {
        String options = options();
        Path jar = agentJar();
        if (!AttachTarget.attachAvailable()) {
            throw AttachTarget.noAttachModule();
        }
        AttachTarget target = AttachTarget.check(pid);
        long started = System.nanoTime();
        AgentLoad.Outcome outcome = AgentLoad.load(target, jar, options, wait);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        PrintWriter out = spec.commandLine().getOut();
        String where = outcome.home().map(h -> "; its home is " + h).orElse("");
        if (outcome.alreadyLoaded()) {
            out.println("The updater agent is already attached to pid " + pid + ", same options (" + describe(outcome)
                    + "); nothing new was started" + where + ".");
        } else {
            out.printf("Attached the updater agent %s to pid %d (%s, Java %s) in %d ms; its home is %s.%n", jar, pid,
                    target.user(), outcome.hostJava(), took.toMillis(), outcome.home().orElseThrow());
            outcome.home().ifPresent(h -> out.println("status, check, apply and watch work on it now, for example:"
                    + " updater-sidecar status --home " + h));
            if (outcome.hostFeature() >= 21) {
                out.println("Note: Java " + outcome.hostFeature() + " prints a warning about a dynamically loaded"
                        + " agent (JEP 451) to the host's output; it is expected. Start the host with"
                        + " -XX:+EnableDynamicAgentLoading to silence it, or with the -javaagent option below, which"
                        + " needs no attach.");
            }
        }
        out.println("To keep the agent across restarts, add to the host's JVM options:");
        out.println("  -javaagent:" + jar + (options.isEmpty() ? "" : "=" + options));
        out.flush();
        return ExitCode.OK.code();
    }

    private static String describe(AgentLoad.Outcome outcome) {
        return "javaagent".equals(outcome.loadedBy()) ? "loaded by -javaagent at its start" : "loaded by an earlier attach";
    }

    /** The agent's argument string: home= first, then the options as given, joined as -javaagent takes them. */
    private String options() {
        List<String> all = new ArrayList<>();
        if (home != null) {
            all.add("home=" + home.toAbsolutePath().normalize());
        }
        for (String option : agentOptions) {
            int eq = option.indexOf('=');
            if (eq <= 0 || option.indexOf(',') >= 0) {
                throw new ParameterException(spec.commandLine(), "Agent option '" + option + "' is not KEY=VALUE"
                        + " without a comma; give each option as its own argument, for example: manifest=URL key=KEY");
            }
            if (home != null && option.substring(0, eq).strip().equalsIgnoreCase("home")) {
                throw new ParameterException(spec.commandLine(), "Give the home once: --home " + home + " and '"
                        + option + "' both name one");
            }
            all.add(option.strip());
        }
        return String.join(",", all);
    }

    /** The jar, absolute (the host resolves a relative path against its own directory), and an agent. */
    private Path agentJar() {
        Path jar = (agentJar != null ? agentJar : besideThisJar()).toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new CommandFailedException("No agent jar at " + jar + "; nothing was attached. Write one with"
                    + " 'updater-sidecar agent-jar --out " + jar + "', or give --agent-jar PATH.");
        }
        try (JarFile file = new JarFile(jar.toFile())) {
            if (file.getManifest() == null || file.getManifest().getMainAttributes().getValue("Agent-Class") == null) {
                throw new CommandFailedException(jar + " is not an agent jar (its manifest has no Agent-Class); nothing"
                        + " was attached. Give the updater agent, updater.jar, with --agent-jar.");
            }
        } catch (IOException e) {
            throw new CommandFailedException("Cannot read the agent jar " + jar + " (" + e + "); nothing was attached.",
                    e);
        }
        return jar;
    }

    private static Path besideThisJar() {
        try {
            Path self = Path.of(AttachCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return self.resolveSibling(AgentJarCommand.FILE_NAME);
        } catch (URISyntaxException | RuntimeException e) {
            return Path.of(AgentJarCommand.FILE_NAME);
        }
    }
}
