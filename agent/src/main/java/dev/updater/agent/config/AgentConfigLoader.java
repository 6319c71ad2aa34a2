package dev.updater.agent.config;

import dev.updater.core.text.HumanUnits;
import dev.updater.core.Durations;
import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.signature.Ed25519Keys;
import dev.updater.core.signature.TrustedKey;
import dev.updater.core.version.ReleaseVersion;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Reads the agent's settings from, in order of precedence: the agent arguments
 * ({@code -javaagent:updater.jar=k=v,k=v}), the properties file named by {@code config=}, the
 * {@code -Dupdater.<key>} system properties, and the {@code UPDATER_<KEY>} environment variables
 * ({@code initial-delay} is {@code UPDATER_INITIAL_DELAY}). The first source that sets a key wins.
 * Every problem, from a misspelt key to a malformed public key or an unreadable key file, is
 * reported at once, in one message; a runtime that lacks what the agent needs is reported after.
 */
public final class AgentConfigLoader {
    /**
     * The keys the agent knows; anything else in the arguments or the config file is an error. The
     * boot code's {@code AgentBoot.KEYS} repeats them for the check in {@code premain}.
     */
    public static final Set<String> KEYS = Set.of("manifest", "channel", "key", "keyfile", "home", "interval", "initial-delay",
            "version", "target", "insecure-allow-unsigned", "insecure-allow-http", "allow-prerelease",
            "allow-breaking", "host-id", "enabled", "config");

    private static final Set<String> MULTI_VALUED = Set.of("key", "keyfile");

    private AgentConfigLoader() {
    }

    public static AgentConfig load(String agentArgs, Properties systemProperties, Map<String, String> environment)
            throws UpdaterException {
        List<String> problems = new ArrayList<>();
        Map<String, List<String>> args = parseArguments(agentArgs, problems);
        Sources sources = new Sources(List.of(args), systemProperties, environment);

        String configFile = sources.single("config");
        Map<String, List<String>> file = configFile == null ? Map.of() : readConfigFile(Path.of(configFile), problems);
        sources = new Sources(List.of(args, file), systemProperties, environment);

        Set<String> unknown = new LinkedHashSet<>();
        for (String key : args.keySet()) {
            if (!KEYS.contains(key)) {
                unknown.add(key);
            }
        }
        for (String key : file.keySet()) {
            if (!KEYS.contains(key)) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            problems.add("unknown key" + (unknown.size() > 1 ? "s " : " ") + String.join(", ", unknown)
                    + " (known: " + String.join(", ", KEYS.stream().sorted().toList()) + ")");
        }

        boolean enabled = bool(sources, "enabled", true, problems);
        if (!enabled && problems.isEmpty()) {
            return AgentConfig.disabled();
        }

        List<URI> manifests = ManifestLocations.read(sources.single("manifest"), sources.single("channel"), problems);
        List<String> keyTexts = sources.multi("key");
        List<Path> keyFiles = sources.multi("keyfile").stream().map(Path::of).toList();
        boolean unsigned = bool(sources, "insecure-allow-unsigned", false, problems);
        if (keyTexts.isEmpty() && keyFiles.isEmpty() && !unsigned) {
            problems.add("key is missing: set key=ed25519:… to the publisher's public key (printed by"
                    + " 'updater-sidecar keygen')");
        }
        List<TrustedKey> keys = trustedKeys(keyTexts, keyFiles, problems);
        String home = sources.single("home");
        Duration interval = duration(sources, "interval", AgentConfig.DEFAULT_INTERVAL, problems);
        Duration initialDelay = duration(sources, "initial-delay", AgentConfig.DEFAULT_INITIAL_DELAY, problems);
        if (interval != null && interval.compareTo(Duration.ofMillis(100)) < 0) {
            problems.add("interval " + HumanUnits.setting(interval) + " is too short; use 100ms or more (15m is usual)");
        }
        String version = sources.single("version");
        if (version != null && ReleaseVersion.tryParse(version) == null) {
            problems.add("version \"" + version + "\" is not a semantic version such as 1.3.0");
        }
        Path target = target(sources.single("target"), problems);
        boolean http = bool(sources, "insecure-allow-http", false, problems);
        boolean prerelease = bool(sources, "allow-prerelease", false, problems);
        boolean breaking = bool(sources, "allow-breaking", false, problems);
        String hostId = sources.single("host-id");

        if (!problems.isEmpty()) {
            throw new UpdaterException(ErrorCode.CONFIG_INVALID, "updater agent disabled, bad configuration: "
                    + String.join("; ", problems) + ". The host runs on without updates; see docs/agent.md.");
        }
        // After the configuration, as before the keys joined it; and keys left unjudged for want of
        // Ed25519 never reach an AgentConfig.
        RuntimeSupport.require();
        return new AgentConfig(true, manifests.get(0), keys, home == null ? null : Path.of(home), interval,
                initialDelay, version, target, unsigned, http, prerelease, breaking,
                hostId, manifests.subList(1, manifests.size()));
    }

    /**
     * {@code k=v,k=v}; a value may itself contain {@code =}. {@code AgentBoot} checks this syntax in
     * {@code premain} already, in the same words (AgentBootTest holds the two in step); here it is
     * part of the whole configuration's check.
     */
    static Map<String, List<String>> parseArguments(String agentArgs, List<String> problems) {
        Map<String, List<String>> values = new LinkedHashMap<>();
        if (agentArgs == null || agentArgs.isBlank()) {
            return values;
        }
        for (String part : agentArgs.split(",")) {
            String item = part.strip();
            if (item.isEmpty()) {
                continue;
            }
            int eq = item.indexOf('=');
            if (eq <= 0) {
                problems.add("agent argument \"" + item + "\" is not key=value");
                continue;
            }
            String value = item.substring(eq + 1).strip();
            if (value.isEmpty()) {
                problems.add("agent argument \"" + item + "\" has no value");
                continue;
            }
            String key = item.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            values.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }
        return values;
    }

    private static Map<String, List<String>> readConfigFile(Path file, List<String> problems) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            problems.add("config file " + file + " cannot be read (" + e + ")");
            return Map.of();
        }
        Map<String, List<String>> values = new LinkedHashMap<>();
        for (String name : properties.stringPropertyNames()) {
            String key = name.strip().toLowerCase(Locale.ROOT);
            values.put(key, splitList(key, properties.getProperty(name)));
        }
        return values;
    }

    private static List<String> splitList(String key, String value) {
        if (!MULTI_VALUED.contains(key)) {
            return List.of(value.strip());
        }
        List<String> items = new ArrayList<>();
        for (String item : value.split("[,\\s]+")) {
            if (!item.isBlank()) {
                items.add(item);
            }
        }
        return items;
    }

    /** The artifact named by {@code target=}, absolute; the host's {@code -jar} path is the wiring's fallback. */
    private static Path target(String text, List<String> problems) {
        if (text == null) {
            return null;
        }
        Path target = Path.of(text).toAbsolutePath().normalize();
        if (!Files.isRegularFile(target)) {
            problems.add("target=" + target + " is not a file; point it at the artifact this host runs");
            return null;
        }
        return target;
    }

    /**
     * Reads every {@code key=} and {@code keyfile=}, each problem one item of the report. Without
     * Ed25519 no key could be read: they are left unjudged, and {@link RuntimeSupport} names the module to add.
     */
    private static List<TrustedKey> trustedKeys(List<String> texts, List<Path> files, List<String> problems) {
        List<TrustedKey> keys = new ArrayList<>();
        if (!RuntimeSupport.hasEd25519()) {
            return keys;
        }
        for (String text : texts) {
            try {
                keys.add(TrustedKey.of(Ed25519Keys.parsePublicKey(text)));
            } catch (UpdaterException e) {
                problems.add("bad key=: " + withoutFinalPeriod(e.getMessage()));
            }
        }
        for (Path file : files) {
            String text;
            try {
                text = Files.readString(file, StandardCharsets.US_ASCII);
            } catch (IOException e) {
                problems.add("keyfile=" + file + " cannot be read (" + e + ")");
                continue;
            }
            try {
                keys.add(TrustedKey.of(Ed25519Keys.parsePublicKey(text)));
            } catch (UpdaterException e) {
                problems.add("bad keyfile=" + file + ": " + withoutFinalPeriod(e.getMessage()));
            }
        }
        return keys;
    }

    /** The key parser speaks in sentences; here each is one item of a list that ends with one period. */
    private static String withoutFinalPeriod(String sentence) {
        return sentence.endsWith(".") ? sentence.substring(0, sentence.length() - 1) : sentence;
    }

    private static boolean bool(Sources sources, String key, boolean fallback, List<String> problems) {
        String text = sources.single(key);
        if (text == null) {
            return fallback;
        }
        switch (text.toLowerCase(Locale.ROOT)) {
            case "true":
                return true;
            case "false":
                return false;
            default:
                problems.add(key + " must be true or false, got \"" + text + "\"");
                return fallback;
        }
    }

    private static Duration duration(Sources sources, String key, Duration fallback, List<String> problems) {
        String text = sources.single(key);
        if (text == null) {
            return fallback;
        }
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            problems.add(key + " " + e.getMessage());
            return fallback;
        }
    }

    /** The sources in precedence order; each lookup takes the first that has the key. */
    private static final class Sources {
        private final List<Map<String, List<String>>> maps;
        private final Properties systemProperties;
        private final Map<String, String> environment;

        Sources(List<Map<String, List<String>>> maps, Properties systemProperties, Map<String, String> environment) {
            this.maps = maps;
            this.systemProperties = systemProperties;
            this.environment = environment;
        }

        List<String> multi(String key) {
            for (Map<String, List<String>> map : maps) {
                List<String> values = map.get(key);
                if (values != null && !values.isEmpty()) {
                    return values;
                }
            }
            String property = systemProperties.getProperty("updater." + key);
            if (property != null) {
                return splitList(key, property);
            }
            String variable = environment.get("UPDATER_" + key.toUpperCase(Locale.ROOT).replace('-', '_'));
            return variable == null ? List.of() : splitList(key, variable);
        }

        String single(String key) {
            List<String> values = multi(key);
            return values.isEmpty() ? null : values.get(values.size() - 1);
        }
    }
}
