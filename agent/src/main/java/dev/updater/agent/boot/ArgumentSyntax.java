package dev.updater.agent.boot;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The syntax of the agent arguments ({@code k=v,k=v}), checked in {@code premain} itself: a host
 * that exits within milliseconds (a CLI tool) ends before the agent's thread has loaded its code,
 * so a typo found there is never shown. What is checked here is only what needs no I/O and no
 * class beyond {@code java.lang}: items that are not {@code key=value}, empty values, unknown
 * keys, booleans and the syntax of durations, each reported with the very words of
 * {@code AgentConfigLoader}, which checks everything (config file, properties, environment, URLs,
 * keys) on the thread.
 *
 * <p>No lambda, regex or collection stream here: each would load classes on the host's main thread.
 */
final class ArgumentSyntax {
    /** {@code AgentConfigLoader.KEYS}, sorted: the runtime's classes are out of the boot code's reach. */
    static final String[] KEYS = {"allow-breaking", "allow-prerelease", "config", "enabled", "home", "host-id",
            "initial-delay", "insecure-allow-http", "insecure-allow-unsigned", "interval", "key", "keyfile",
            "manifest", "target", "version"};
    /** In the order {@code AgentConfigLoader} reports them. */
    private static final String[] BOOLEANS = {"enabled", "insecure-allow-unsigned"};
    private static final String[] DURATIONS = {"interval", "initial-delay"};
    private static final String[] LATER_BOOLEANS = {"insecure-allow-http", "allow-prerelease", "allow-breaking"};

    private ArgumentSyntax() {
    }

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
                problems.add("agent argument \"" + item + "\" is not key=value");
                continue;
            }
            String key = item.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            String value = item.substring(eq + 1).strip();
            if (value.isEmpty()) {
                problems.add("agent argument \"" + item + "\" has no value");
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
            problems.add("unknown key" + (unknown.size() > 1 ? "s " : " ") + String.join(", ", unknown) + " (known: "
                    + String.join(", ", KEYS) + ")");
        }
        checkBooleans(BOOLEANS, lastValue, problems);
        for (String key : DURATIONS) {
            String value = lastValue[indexOf(KEYS, key)];
            if (value != null && !isDurationSyntax(value)) {
                problems.add(key + " \"" + value + "\" is not a duration; write a number and a unit: 500ms, 5s,"
                        + " 10m, 1h or 30d");
            }
        }
        checkBooleans(LATER_BOOLEANS, lastValue, problems);
        if (problems.isEmpty()) {
            return null;
        }
        return "updater agent disabled, bad configuration: " + String.join("; ", problems)
                + ". The host runs on without updates; see docs/agent.md.";
    }

    private static void checkBooleans(String[] keys, String[] lastValue, List<String> problems) {
        for (String key : keys) {
            String value = lastValue[indexOf(KEYS, key)];
            String lower = value == null ? null : value.toLowerCase(Locale.ROOT);
            if (lower != null && !lower.equals("true") && !lower.equals("false")) {
                problems.add(key + " must be true or false, got \"" + value + "\"");
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
}
