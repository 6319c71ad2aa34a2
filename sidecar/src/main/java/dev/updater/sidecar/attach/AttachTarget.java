package dev.updater.sidecar.attach;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The process {@code updater-sidecar attach} is asked to load the agent into, checked before the Attach API
 * touches it: running, owned by the user running the command, a HotSpot JVM that handles {@code SIGQUIT},
 * and on a runtime that has {@code jdk.attach}. Each refusal is one sentence ({@code ATTACH_REFUSED}) and
 * leaves the process as it was.
 *
 * <p>Why check first: on Linux the Attach API of JDK 17 starts by sending {@code SIGQUIT} to the pid, which
 * kills a process that is not a JVM, or a JVM started with {@code -Xrs}, on the spot.
 *
 * @param pid the process
 * @param user the user it runs as, as the system names it
 */
public record AttachTarget(long pid, String user) {
    private static final String NOTHING = "nothing was attached";
    /** SIGQUIT is signal 3: bit 2 of the masks in /proc/PID/status. */
    private static final long SIGQUIT_BIT = 1L << 2;

    /** True when this runtime can attach: the sidecar runs from the class path, so jdk.attach is in the boot layer if the runtime has it. */
    public static boolean attachAvailable() {
        return ModuleLayer.boot().findModule("jdk.attach").isPresent();
    }

    /** The refusal when {@link #attachAvailable()} is false. */
    public static UpdaterException noAttachModule() {
        return new UpdaterException(ErrorCode.ATTACH_REFUSED, "This Java runtime (" + System.getProperty("java.home")
                + ") has no jdk.attach module, so it cannot load an agent into another JVM; " + NOTHING
                + ". Run updater-sidecar attach with a full JDK (for example the one the host runs on: JDK/bin/java"
                + " -jar updater-sidecar.jar attach ...).");
    }

    /**
     * Checks {@code pid}.
     *
     * @throws UpdaterException {@code ATTACH_REFUSED}: not running, another user's, not a JVM, or a JVM that
     *         would die of the attach's SIGQUIT
     */
    public static AttachTarget check(long pid) throws UpdaterException {
        ProcessHandle process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive).orElseThrow(() ->
                refused("No process with pid " + pid + " is running; " + NOTHING + ". Find the host's pid with"
                        + " 'jps -l' (or 'pgrep -f app.jar')."));
        String user = process.info().user().orElse("(unknown)");
        Path proc = Path.of("/proc", Long.toString(pid));
        if (!Files.isDirectory(proc)) {
            return new AttachTarget(pid, user); // not Linux: the Attach API's own checks are all there is
        }
        long ownUid = uid(Path.of("/proc/self"));
        long hostUid = uid(proc);
        if (hostUid != ownUid) {
            String self = ProcessHandle.current().info().user().orElse("uid " + ownUid);
            throw refused("pid " + pid + " runs as " + user + " (uid " + hostUid + "), not as " + self + " (uid "
                    + ownUid + ") who runs this command, and the agent is attached only by its host's own user, so"
                    + " that it runs and writes its home as that user; " + NOTHING + ". Run it as that user: sudo -u "
                    + user + " java -jar updater-sidecar.jar attach --pid " + pid + " ...");
        }
        Optional<String> maps = read(proc.resolve("maps"));
        if (maps.isPresent() && !maps.get().contains("/libjvm.so")) {
            throw refused("pid " + pid + " (" + command(process) + ") is not a Java virtual machine (no libjvm.so in"
                    + " /proc/" + pid + "/maps); " + NOTHING + ". Check the pid: 'jps -l' lists the JVMs.");
        }
        if (attachDisabled(proc)) {
            throw refused("The JVM in pid " + pid + " was started with -XX:+DisableAttachMechanism, so it accepts no"
                    + " agent while it runs; " + NOTHING + ". Add the agent with -javaagent at its next start instead"
                    + " (see docs/agent.md).");
        }
        Optional<Long> caught = read(proc.resolve("status")).flatMap(AttachTarget::caughtSignals);
        if (caught.isPresent() && (caught.get() & SIGQUIT_BIT) == 0) {
            throw refused("The JVM in pid " + pid + " does not handle SIGQUIT (it was started with -Xrs), and the"
                    + " Attach API starts with that signal, which would stop it; " + NOTHING + ". Add the agent with"
                    + " -javaagent at its next start instead (see docs/agent.md).");
        }
        return new AttachTarget(pid, user);
    }

    /**
     * True when the JVM's options turn attaching off: its command line and the option variables the launcher reads,
     * the last setting winning. Checked here because such a JVM, started with {@code -XX:-UsePerfData} too, takes
     * the attach's SIGQUIT as a request for a thread dump into its output.
     */
    private static boolean attachDisabled(Path proc) {
        List<String> options = new ArrayList<>();
        Optional<String> environment = read(proc.resolve("environ"));
        for (String variable : List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS")) {
            environment.ifPresent(env -> options.addAll(variable(env, variable)));
        }
        read(proc.resolve("cmdline")).ifPresent(cmdline -> options.addAll(List.of(cmdline.split("\u0000"))));
        environment.ifPresent(env -> options.addAll(variable(env, "_JAVA_OPTIONS")));
        boolean disabled = false;
        for (String option : options) {
            if (option.equals("-XX:+DisableAttachMechanism")) {
                disabled = true;
            } else if (option.equals("-XX:-DisableAttachMechanism")) {
                disabled = false;
            }
        }
        return disabled;
    }

    private static List<String> variable(String environ, String name) {
        for (String entry : environ.split("\u0000")) {
            if (entry.startsWith(name + "=")) {
                return List.of(entry.substring(name.length() + 1).strip().split("\\s+"));
            }
        }
        return List.of();
    }

    static UpdaterException refused(String message) {
        return new UpdaterException(ErrorCode.ATTACH_REFUSED, message);
    }

    private static long uid(Path proc) throws UpdaterException {
        try {
            return ((Number) Files.getAttribute(proc, "unix:uid")).longValue();
        } catch (IOException | UnsupportedOperationException e) {
            throw refused("Cannot tell who owns " + proc + " (" + e + "); " + NOTHING + ".");
        }
    }

    private static Optional<String> read(Path file) {
        try {
            return Optional.of(Files.readString(file));
        } catch (IOException e) {
            return Optional.empty(); // exited meanwhile, or hidden (hidepid): the Attach API says the rest
        }
    }

    private static Optional<Long> caughtSignals(String status) {
        return status.lines().filter(line -> line.startsWith("SigCgt:")).findFirst()
                .map(line -> Long.parseUnsignedLong(line.substring("SigCgt:".length()).strip(), 16));
    }

    private static String command(ProcessHandle process) {
        return process.info().command().map(c -> Path.of(c).getFileName().toString()).orElse("unknown command");
    }
}
