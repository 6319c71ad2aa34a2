package dev.updater.agent.boot;

import java.lang.instrument.Instrumentation;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The agent jar's {@code Premain-Class} and {@code Agent-Class}: starts the {@code updater-agent}
 * daemon thread and returns.
 *
 * <p>This class, {@link RuntimeLauncher} and {@link AgentClassLoader} are the only classes the host
 * can see: the JVM puts the agent jar on the system class path, so everything else (the runtime,
 * updater-core, Jackson, semver4j) is stored as {@code inst/**.classdata} and loaded only by the
 * agent's own loader. Only the first two load on the host's main thread (AgentThreadIT holds it):
 * keep state such as the {@code Instrumentation} in the runtime, not in a new class here.
 *
 * <p>Runs on the host's main thread before its {@code main}, so it does nothing heavy: no jar
 * reading, no class loader, no lambda (the first lambda in a JVM costs milliseconds). It checks
 * the syntax of the agent arguments ({@link #badConfigurationLine}, about 0.1 ms) so that a typo is
 * reported even by a host that exits at once, and then starts no thread. It never throws into the
 * host and never exits it.
 */
public final class AgentBoot {
    /** The name of the one thread the agent starts; the host sees it in thread dumps. */
    static final String THREAD_NAME = "updater-agent";

    /**
     * Overlap mode (the sidecar sets it): the host's sockets must be bound with {@code SO_REUSEPORT},
     * which only the bind hook sets, and the hook is installed on the agent's thread after premain.
     * A host binds within milliseconds of its main, long before the hook is in (300 to 700 ms,
     * docs/agent.md), so premain waits for it, at most {@link #HOOK_WAIT_MILLIS}: the start-up cost
     * is paid in overlap mode only, where the old host serves meanwhile. Without the variable
     * premain does not wait (one environment lookup).
     */
    static final String REUSE_PORT_VARIABLE = "UPDATER_REUSE_PORT"; // read as BindHook.reusePortRequested reads it
    static final long HOOK_WAIT_MILLIS = 3000;
    static final String HOOK_LATE = "updater: the bind hook was not ready within 3 s; the host starts anyway, and a"
            + " socket it binds before the hook is in gets no SO_REUSEPORT and is missing from agent.json's listeners"
            + " (the sidecar then falls back to a stop-start update)";

    /**
     * Set (to {@code "javaagent <args>"} or {@code "attach <args>"}) by the first load that starts the agent: a
     * second load ({@code updater-sidecar attach} twice, or an attach to a host started with
     * {@code -javaagent}) starts nothing, and the attacher reads it through the Attach API's
     * {@code getSystemProperties} to say which options the running agent has. The sidecar's
     * {@code AgentLoad} names the same properties.
     */
    static final String LOADED_PROPERTY = "updater.agent.loaded";
    /** The line that disabled the agent at load, for the attacher; cleared by a load that starts. */
    static final String DISABLED_PROPERTY = "updater.agent.disabled";

    private AgentBoot() {
    }

    /** Called by the JVM for {@code -javaagent:updater.jar[=args]}, before the host's main. */
    public static void premain(String agentArgs, Instrumentation instrumentation) {
        start(agentArgs, instrumentation, false);
    }

    /** Called by the JVM when the agent is attached to a running JVM. */
    public static void agentmain(String agentArgs, Instrumentation instrumentation) {
        start(agentArgs, instrumentation, true);
    }

    private static void start(String agentArgs, Instrumentation instrumentation, boolean attached) {
        try {
            String badConfiguration = badConfigurationLine(agentArgs);
            if (badConfiguration != null) {
                // Said here, not on the thread: a host that exits at once would end before the thread
                // speaks. Standard error, not System.Logger: starting the host's logging before its main
                // breaks hosts that choose their log manager in main (java.util.logging.manager).
                System.err.println(badConfiguration);
                // Nothing started and no LOADED_PROPERTY set: a corrected load may start the agent.
                System.setProperty(DISABLED_PROPERTY, badConfiguration);
                return;
            }
            // Threat: two agents in one host would poll, stage and lock the home twice. putIfAbsent is atomic
            // (Properties is a ConcurrentHashMap), so two loads at once still start one agent.
            Object earlier = System.getProperties().putIfAbsent(LOADED_PROPERTY,
                    text(attached ? "attach " : "javaagent ", agentArgs == null ? "" : agentArgs.strip()));
            if (earlier != null) {
                System.err.println(text("updater: the agent is already loaded (", earlier.toString(),
                        "); this load starts nothing"));
                return;
            }
            System.clearProperty(DISABLED_PROPERTY);
            URL agentJar = AgentBoot.class.getProtectionDomain().getCodeSource().getLocation();
            boolean overlap = !attached && "true".equalsIgnoreCase(System.getenv(REUSE_PORT_VARIABLE));
            // Linux and the default mode: the thread lets the host's start go first (RuntimeLauncher).
            RuntimeLauncher launcher = new RuntimeLauncher(agentJar, agentArgs, instrumentation, attached,
                    !attached && !overlap && isLinux());
            Thread thread = new Thread(launcher, THREAD_NAME);
            // A daemon, so the agent never delays the host's exit.
            thread.setDaemon(true);
            thread.start();
            if (overlap && !launcher.awaitHook(HOOK_WAIT_MILLIS)) {
                System.err.println(HOOK_LATE);
            }
        } catch (Throwable t) {
            // Threat: an exception out of premain makes the JVM abort the host's start.
            System.err.println("updater: agent disabled: it could not start: " + t);
        }
    }

    private static boolean isLinux() {
        String os = System.getProperty("os.name");
        return os != null && os.startsWith("Linux");
    }

    // ---- the syntax of the agent arguments, checked here because a host that exits at once (a CLI
    // tool) ends before the agent's thread has loaded its code, so a typo found there is never shown.
    // Only what needs no I/O and no class beyond java.lang/java.util: items that are not key=value,
    // empty values, unknown keys, booleans and the syntax of durations, each reported in the very
    // words of AgentConfigLoader, which checks everything (config file, properties, environment,
    // URLs, keys) on the thread. Here, not in a class of its own: loading one more class from the
    // jar on the host's main thread costs more than the check itself (measured on JDK 17 and 25:
    // 0.5 to 1 ms per class, 0.1 ms for this check, 0.2 ms when it builds the line). No lambda,
    // regex, stream or '+' on strings: '+' compiles to invokedynamic, whose first use costs tens of
    // milliseconds.

    /** {@code AgentConfigLoader.KEYS}, sorted: the runtime's classes are out of the boot code's reach. */
    static final String[] KEYS = {"allow-breaking", "allow-prerelease", "channel", "config", "enabled", "home", "host-id",
            "initial-delay", "insecure-allow-http", "insecure-allow-unsigned", "interval", "key", "keyfile",
            "manifest", "target", "version"};
    /** In the order {@code AgentConfigLoader} reports them. */
    private static final String[] BOOLEANS = {"enabled", "insecure-allow-unsigned"};
    private static final String[] DURATIONS = {"interval", "initial-delay"};
    private static final String[] LATER_BOOLEANS = {"insecure-allow-http", "allow-prerelease", "allow-breaking"};

    /**
     * The one line to show for {@code agentArgs}, or null when their syntax is fine (which does not
     * make the configuration valid: the agent's thread checks the rest).
     */
    static String badConfigurationLine(String agentArgs) {
        if (agentArgs == null || agentArgs.isBlank()) {
            return null;
        }
        List<String> problems = new ArrayList<>();
        String[] lastValue = new String[KEYS.length];
        List<String> unknown = new ArrayList<>();
        int start = 0;
        while (start <= agentArgs.length()) {
            int comma = agentArgs.indexOf(',', start);
            int end = comma < 0 ? agentArgs.length() : comma;
            String item = agentArgs.substring(start, end).strip();
            start = end + 1;
            if (item.isEmpty()) {
                continue;
            }
            int eq = item.indexOf('=');
            if (eq <= 0) {
                problems.add(text("agent argument \"", item, "\" is not key=value"));
                continue;
            }
            String key = item.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            String value = item.substring(eq + 1).strip();
            if (value.isEmpty()) {
                problems.add(text("agent argument \"", item, "\" has no value"));
                continue;
            }
            int known = indexOf(KEYS, key);
            if (known >= 0) {
                lastValue[known] = value;
            } else if (!unknown.contains(key)) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            problems.add(text("unknown key", unknown.size() > 1 ? "s " : " ", String.join(", ", unknown), " (known: ",
                    String.join(", ", KEYS), ")"));
        }
        checkBooleans(BOOLEANS, lastValue, problems);
        for (String key : DURATIONS) {
            String value = lastValue[indexOf(KEYS, key)];
            if (value != null && !isDurationSyntax(value)) {
                problems.add(text(key, " \"", value, "\" is not a duration; write a number and a unit: 500ms, 5s,"
                        + " 10m, 1h or 30d"));
            }
        }
        checkBooleans(LATER_BOOLEANS, lastValue, problems);
        if (problems.isEmpty()) {
            return null;
        }
        return text("updater agent disabled, bad configuration: ", String.join("; ", problems),
                ". The host runs on without updates; see docs/agent.md.");
    }

    private static void checkBooleans(String[] keys, String[] lastValue, List<String> problems) {
        for (String key : keys) {
            String value = lastValue[indexOf(KEYS, key)];
            String lower = value == null ? null : value.toLowerCase(Locale.ROOT);
            if (lower != null && !lower.equals("true") && !lower.equals("false")) {
                problems.add(text(key, " must be true or false, got \"", value, "\""));
            }
        }
    }

    /**
     * The short form {@code Durations} accepts ({@code 1-12 digits, blanks, ms|s|m|h|d}), or any
     * ISO-8601 candidate ({@code P…}), which the thread parses: this check may let a bad value
     * through, never stop a good one.
     */
    static boolean isDurationSyntax(String value) {
        String text = value.strip().toLowerCase(Locale.ROOT);
        if (text.startsWith("p")) {
            return true;
        }
        int digits = 0;
        while (digits < text.length() && text.charAt(digits) >= '0' && text.charAt(digits) <= '9') {
            digits++;
        }
        if (digits == 0 || digits > 12) {
            return false;
        }
        int unit = digits;
        while (unit < text.length() && " \t\n\u000B\f\r".indexOf(text.charAt(unit)) >= 0) {
            unit++;
        }
        String suffix = text.substring(unit);
        return suffix.equals("ms") || suffix.equals("s") || suffix.equals("m") || suffix.equals("h")
                || suffix.equals("d");
    }

    private static int indexOf(String[] keys, String key) {
        for (int i = 0; i < keys.length; i++) {
            if (keys[i].equals(key)) {
                return i;
            }
        }
        return -1;
    }

    /** Concatenation without {@code invokedynamic}, see above. */
    private static String text(String... parts) {
        StringBuilder builder = new StringBuilder();
        for (String part : parts) {
            builder.append(part);
        }
        return builder.toString();
    }
}
