package dev.updater.sidecar.attach;

import com.sun.tools.attach.AgentInitializationException;
import com.sun.tools.attach.AgentLoadException;
import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;

/**
 * Loads the agent jar into a checked {@link AttachTarget} through the Attach API ({@code agentmain}), unless an
 * agent is there already, and waits until it has written its first {@code agent.json}.
 *
 * <p>The only class that names {@code com.sun.tools.attach}: it is loaded after
 * {@link AttachTarget#attachAvailable()}, so a runtime without {@code jdk.attach} gets a sentence, not a
 * {@code NoClassDefFoundError}. The agent tells the attacher what it did through system properties, read with
 * {@link VirtualMachine#getSystemProperties()}; {@code AgentBoot} and {@code AgentRuntime} set them.
 */
public final class AgentLoad {
    static final String LOADED_PROPERTY = "updater.agent.loaded";
    static final String DISABLED_PROPERTY = "updater.agent.disabled";
    static final String HOME_PROPERTY = "updater.agent.home";
    private static final Duration POLL = Duration.ofMillis(20);

    private AgentLoad() {
    }

    /**
     * What came of an attach.
     *
     * @param alreadyLoaded true when an agent was there with the same options and nothing was loaded
     * @param loadedBy how the running agent came: {@code javaagent} or {@code attach}
     * @param hostJava the host's {@code java.version}
     * @param home the agent's home, empty when an agent loaded earlier has not reported one
     */
    public record Outcome(boolean alreadyLoaded, String loadedBy, String hostJava, Optional<Path> home) {
        /** The feature release of the host's Java (17, 21, 25), 0 when unknown. */
        public int hostFeature() {
            try {
                return Runtime.Version.parse(hostJava).feature();
            } catch (IllegalArgumentException e) {
                return 0;
            }
        }
    }

    /**
     * Loads {@code agentJar} with {@code options} into {@code target}.
     *
     * @param wait how long the agent has to write its first agent.json
     * @throws UpdaterException {@code ATTACH_REFUSED} when the JVM does not accept attaching or the agent could not
     *         be loaded or disabled itself; {@code AGENT_ALREADY_LOADED} when it runs with other options
     */
    public static Outcome load(AttachTarget target, Path agentJar, String options, Duration wait)
            throws UpdaterException, InterruptedException {
        String pid = Long.toString(target.pid());
        VirtualMachine vm = attach(pid);
        try {
            Properties before = vm.getSystemProperties();
            String hostJava = before.getProperty("java.version", "unknown");
            String loaded = before.getProperty(LOADED_PROPERTY);
            if (loaded != null) {
                return already(target, agentJar, loaded, options, hostJava, before);
            }
            try {
                vm.loadAgent(agentJar.toString(), options);
            } catch (AgentLoadException | AgentInitializationException | IOException e) {
                throw AttachTarget.refused("The JVM in pid " + pid + " could not load the agent " + agentJar + ": "
                        + e + ". Check that its user can read the jar.");
            }
            return new Outcome(false, "attach", hostJava, Optional.of(awaitHome(vm, target, wait)));
        } catch (IOException e) {
            throw AttachTarget.refused("Lost the connection to the JVM in pid " + pid + " (" + e + "); it may have"
                    + " exited. Run 'updater-sidecar status' on its home to see whether the agent started.");
        } finally {
            detach(vm);
        }
    }

    private static VirtualMachine attach(String pid) throws UpdaterException {
        try {
            return VirtualMachine.attach(pid);
        } catch (AttachNotSupportedException | IOException e) {
            // The Attach API says "does not support the attach mechanism" for a JVM whose performance data shows
            // -XX:+DisableAttachMechanism set in a way AttachTarget could not see (an @argfile).
            throw AttachTarget.refused("The JVM in pid " + pid + " does not accept attaching (" + e.getMessage()
                    + "); nothing was attached. Add the agent with -javaagent at its next start instead (see"
                    + " docs/agent.md).");
        }
    }

    private static Outcome already(AttachTarget target, Path agentJar, String loaded, String options, String hostJava,
                                   Properties properties) throws UpdaterException {
        int space = loaded.indexOf(' ');
        String by = space < 0 ? loaded : loaded.substring(0, space);
        String theirs = space < 0 ? "" : loaded.substring(space + 1);
        Optional<Path> home = Optional.ofNullable(properties.getProperty(HOME_PROPERTY)).map(Path::of);
        String disabled = properties.getProperty(DISABLED_PROPERTY);
        if (disabled != null) {
            throw new UpdaterException(ErrorCode.AGENT_ALREADY_LOADED, "The updater agent is already loaded in pid "
                    + target.pid() + " (" + describe(by) + ") but disabled itself: " + disabled + " Nothing new was"
                    + " started: a JVM runs one agent, so restart the host with corrected options (-javaagent:"
                    + agentJar + "=...).");
        }
        if (!theirs.equals(options)) {
            throw new UpdaterException(ErrorCode.AGENT_ALREADY_LOADED, "The updater agent is already attached to pid "
                    + target.pid() + " with other options: " + (theirs.isEmpty() ? "(none)" : theirs) + " ("
                    + describe(by) + "); nothing new was started. Options cannot change in a running host: restart it"
                    + " with -javaagent:" + agentJar + (options.isEmpty() ? "" : "=" + options) + ".");
        }
        return new Outcome(true, by, hostJava, home);
    }

    /** Polls the host until its agent has written agent.json (the home) or said why it is disabled. */
    private static Path awaitHome(VirtualMachine vm, AttachTarget target, Duration wait)
            throws IOException, UpdaterException, InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            Properties now = vm.getSystemProperties();
            String disabled = now.getProperty(DISABLED_PROPERTY);
            if (disabled != null) {
                throw AttachTarget.refused("The agent was loaded into pid " + target.pid() + " but disabled itself: "
                        + disabled);
            }
            String home = now.getProperty(HOME_PROPERTY);
            if (home != null) {
                return Path.of(home);
            }
            if (System.nanoTime() > deadline) {
                throw AttachTarget.refused("The agent was loaded into pid " + target.pid() + " but wrote no agent.json"
                        + " within " + wait.toSeconds() + " s; look for 'updater' lines in the host's output.");
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    static String describe(String loadedBy) {
        return "javaagent".equals(loadedBy) ? "by -javaagent at its start" : "by an earlier attach";
    }

    private static void detach(VirtualMachine vm) {
        try {
            vm.detach();
        } catch (IOException e) {
            // the host closes its end when it goes; nothing of ours is left behind either way
        }
    }
}
