package dev.updater.agent.config;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.signature.Ed25519Keys;
import dev.updater.core.signature.TrustedKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AgentConfigLoaderTest {
    private static final String KEY = "ed25519:MCowBQYDK2VwAyEAV5GTKounK7m4V4FFPtF09ia4ysLx6RlGQTl49l41df0=";
    private static final String SECOND = Ed25519Keys.toText(Ed25519Keys.generate().getPublic());

    @TempDir
    Path dir;

    @Test
    void agentArguments_giveEveryKey_withDefaultsForTheRest() throws Exception {
        AgentConfig c = load("manifest=https://releases.example.com/app/manifest.json,key=" + KEY + ",home=/var/lib/app");
        assertTrue(c.enabled());
        assertEquals(URI.create("https://releases.example.com/app/manifest.json"), c.manifest());
        assertEquals(List.of(KEY), texts(c));
        assertEquals(Path.of("/var/lib/app"), c.home());
        assertEquals(Duration.ofMinutes(15), c.interval());
        assertEquals(Duration.ofSeconds(30), c.initialDelay());
        assertNull(c.version());
        assertNull(c.target());
        assertFalse(c.insecureAllowUnsigned());
        assertFalse(c.insecureAllowHttp());
    }

    @Test
    void keyMayRepeat_forKeyRotation() throws Exception {
        AgentConfig c = load("manifest=https://h/m.json,key=" + KEY + ",key=" + SECOND + ",interval=500ms,initial-delay=1s");
        assertEquals(List.of(KEY, SECOND), texts(c));
        assertEquals(Duration.ofMillis(500), c.interval());
        assertEquals(Duration.ofSeconds(1), c.initialDelay());
    }

    @Test
    void precedence_isArguments_thenConfigFile_thenSystemProperties_thenEnvironment() throws Exception {
        Path file = Files.writeString(dir.resolve("updater.properties"),
                "manifest=https://file/m.json\ninterval=2m\nkey=" + KEY + " " + SECOND + "\nversion=1.0.0\n");
        Properties props = new Properties();
        props.setProperty("updater.interval", "3m");
        props.setProperty("updater.initial-delay", "4s");
        props.setProperty("updater.version", "2.0.0");
        Map<String, String> env = Map.of("UPDATER_INITIAL_DELAY", "5s", "UPDATER_HOST_ID", "env-host",
                "UPDATER_INTERVAL", "9m");

        AgentConfig c = AgentConfigLoader.load("config=" + file + ",version=3.0.0", props, env);

        assertEquals("3.0.0", c.version(), "arguments beat the file and properties");
        assertEquals(URI.create("https://file/m.json"), c.manifest());
        assertEquals(Duration.ofMinutes(2), c.interval(), "the file beats properties and environment");
        assertEquals(List.of(KEY, SECOND), texts(c));
        assertEquals(Duration.ofSeconds(4), c.initialDelay(), "properties beat the environment");
        assertEquals("env-host", c.hostId());
    }

    @Test
    void environmentAlone_isEnough() throws Exception {
        AgentConfig c = AgentConfigLoader.load(null, new Properties(),
                Map.of("UPDATER_MANIFEST", "https://h/m.json", "UPDATER_KEY", KEY));
        assertEquals(URI.create("https://h/m.json"), c.manifest());
    }

    @Test
    void enabledFalse_disablesWithoutNeedingAnythingElse() throws Exception {
        assertFalse(load("enabled=false").enabled());
    }

    @Test
    void severalManifestUrls_separatedByBars_areMirrorsOfTheFirst() throws Exception {
        AgentConfig c = load("manifest=https://a.example/app/manifest.json|https://b.example/app/manifest.json ,key=" + KEY);
        assertEquals(URI.create("https://a.example/app/manifest.json"), c.manifest());
        assertEquals(List.of(URI.create("https://b.example/app/manifest.json")), c.manifestMirrors());
        assertEquals(List.of(), load("manifest=https://a.example/m.json,key=" + KEY).manifestMirrors());
    }

    @Test
    void badManifestMirrors_areEachReported() {
        UpdaterException e = assertThrows(UpdaterException.class,
                () -> load("manifest=https://a.example/m.json||ftp://b.example/m.json,key=" + KEY));
        assertEquals("updater agent disabled, bad configuration: manifest has an empty URL; separate several with '|':"
                + " manifest=https://a/manifest.json|https://b/manifest.json; manifest \"ftp://b.example/m.json\" is not an"
                + " http(s) URL. The host runs on without updates; see docs/agent.md.", e.getMessage());
        UpdaterException many = assertThrows(UpdaterException.class,
                () -> load("manifest=" + "https://a.example/m.json|".repeat(17) + ",key=" + KEY));
        assertTrue(many.getMessage().contains("manifest lists 18 URLs; at most 16 are allowed"), many.getMessage());
    }

    @Test
    void everyProblem_isReportedInOneMessage() {
        UpdaterException e = assertThrows(UpdaterException.class,
                () -> load("manifest=ftp://x/m.json,interval=often,colour=blue,version=latest,insecure-allow-http=yes,oops"));
        assertEquals(ErrorCode.CONFIG_INVALID, e.code());
        assertEquals("updater agent disabled, bad configuration: agent argument \"oops\" is not key=value;"
                + " unknown key colour (known: allow-breaking, allow-prerelease, channel, config, enabled, home, host-id,"
                + " initial-delay, insecure-allow-http, insecure-allow-unsigned, interval, key, keyfile, manifest,"
                + " target, version); manifest \"ftp://x/m.json\" is not an http(s) URL; key is missing: set"
                + " key=ed25519:… to the publisher's public key (printed by 'updater-sidecar keygen');"
                + " interval \"often\" is not a duration; write a number and a unit: 500ms, 5s, 10m, 1h or 30d;"
                + " version \"latest\" is not a semantic version such as 1.3.0; insecure-allow-http must be true or"
                + " false, got \"yes\". The host runs on without updates; see docs/agent.md.", e.getMessage());
    }

    @Test
    void missingManifest_andNoArgumentsAtAll_sayWhatToSet() {
        UpdaterException e = assertThrows(UpdaterException.class, () -> load(null));
        assertTrue(e.getMessage().contains("manifest is missing: set manifest=https://…/manifest.json"), e.getMessage());
    }

    @Test
    void unsignedAllowed_needsNoKey() throws Exception {
        AgentConfig c = load("manifest=http://127.0.0.1:1/m.json,insecure-allow-unsigned=true,insecure-allow-http=true");
        assertTrue(c.insecureAllowUnsigned());
        assertTrue(c.keys().isEmpty());
    }

    @Test
    void unreadableConfigFile_isReported() {
        UpdaterException e = assertThrows(UpdaterException.class, () -> load("config=" + dir.resolve("none.properties")));
        assertTrue(e.getMessage().contains("config file " + dir.resolve("none.properties") + " cannot be read"),
                e.getMessage());
    }

    @Test
    void keyFiles_areRead_inEitherForm_afterTheKeys() throws Exception {
        Path pem = Files.writeString(dir.resolve("updater.pem"), Ed25519Keys.toPem(Ed25519Keys.parsePublicKey(SECOND)));
        Path text = Files.writeString(dir.resolve("updater.pub"), KEY + "\n");

        AgentConfig c = load("manifest=https://h/m.json,keyfile=" + pem + ",key=" + KEY + ",keyfile=" + text);

        assertEquals(List.of(KEY, SECOND, KEY), texts(c));
    }

    @Test
    void aTarget_isMadeAbsolute() throws Exception {
        Path app = Files.writeString(dir.resolve("app.jar"), "app");

        AgentConfig c = load("manifest=https://h/m.json,key=" + KEY + ",target=" + dir.resolve("lib/../app.jar"));

        assertEquals(app, c.target());
    }

    @Test
    void badKeys_unreadableKeyFiles_andAMissingTarget_joinTheOtherProblems_inOneMessage() throws Exception {
        Path missing = dir.resolve("missing.pub");
        Path notAKey = Files.writeString(dir.resolve("not-a-key.pub"), "hello\n");

        UpdaterException e = assertThrows(UpdaterException.class, () -> load("manifest=https://h/m.json,key=nonsense,"
                + "keyfile=" + missing + ",keyfile=" + notAKey + ",interval=often,target=" + dir.resolve("app.jar")));

        assertEquals(ErrorCode.CONFIG_INVALID, e.code());
        assertEquals("updater agent disabled, bad configuration: bad key=: Public key \"nonsense\" is neither"
                + " ed25519:<Base64> nor a PEM PUBLIC KEY block; a public key is one line: ed25519:MCowBQYDK2VwAyEA and"
                + " 44 more Base64 characters, 68 in all, ending in '=' (the line 'updater-sidecar keygen' prints), or"
                + " give the updater.pub file; keyfile=" + missing + " cannot be read (java.nio.file.NoSuchFileException: "
                + missing + "); bad keyfile=" + notAKey + ": Public key \"hello\" is neither ed25519:<Base64> nor a"
                + " PEM PUBLIC KEY block; a public key is one line: ed25519:MCowBQYDK2VwAyEA and 44 more Base64"
                + " characters, 68 in all, ending in '=' (the line 'updater-sidecar keygen' prints), or give the"
                + " updater.pub file;"
                + " interval \"often\" is not a duration; write a number and a unit: 500ms, 5s, 10m, 1h or 30d;"
                + " target=" + dir.resolve("app.jar") + " is not a file; point it at the artifact this host runs."
                + " The host runs on without updates; see docs/agent.md.", e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }

    @Test
    void aBadUrlAndABadKey_areOneLine() {
        UpdaterException e = assertThrows(UpdaterException.class,
                () -> load("manifest=https://h/m.json extra,key=ed25519:not base64!"));

        assertEquals("updater agent disabled, bad configuration: manifest \"https://h/m.json extra\" is not a URL"
                + " (Illegal character in path); bad key=: Public key \"ed25519:not base64!\" has a space at character"
                + " 12, which is not Base64; a public key is one line: ed25519:MCowBQYDK2VwAyEA and 44 more Base64"
                + " characters, 68 in all, ending in '=' (the line 'updater-sidecar keygen' prints). The host runs on"
                + " without updates; see docs/agent.md.", e.getMessage());
    }

    private static List<String> texts(AgentConfig config) {
        return config.keys().stream().map(TrustedKey::text).toList();
    }

    @Test
    void channel_readsTheChannelsManifestUnderTheRootGivenByManifest() throws Exception {
        AgentConfig c = load("manifest=https://releases.example.com/app/,channel=beta,key=" + KEY);
        assertEquals(URI.create("https://releases.example.com/app/beta/manifest.signed"), c.manifest());
        Properties properties = new Properties();
        properties.setProperty("updater.channel", "stable");
        assertEquals(URI.create("https://releases.example.com/app/stable/manifest.signed"), AgentConfigLoader.load(
                "manifest=https://releases.example.com/app/,key=" + KEY, properties, Map.of()).manifest());
    }

    @Test
    void channel_refusesAManifestFileAsRoot_andNamesThatAreNoFolderName() {
        UpdaterException e = assertThrows(UpdaterException.class,
                () -> load("manifest=https://releases.example.com/app/manifest.json,channel=beta,key=" + KEY));
        assertEquals("updater agent disabled, bad configuration: with channel=beta, manifest= is the channel root, a"
                + " folder URL ending with '/' (such as https://releases.example.com/app/, read as"
                + " …/app/beta/manifest.signed), got \"https://releases.example.com/app/manifest.json\"; drop channel= to"
                + " use that manifest as it is. The host runs on without updates; see docs/agent.md.", e.getMessage());
        UpdaterException dots = assertThrows(UpdaterException.class,
                () -> load("manifest=https://releases.example.com/app/,channel=../admin,key=" + KEY));
        assertEquals("updater agent disabled, bad configuration: channel \"../admin\" is not a channel name; use 1 to"
                + " 63 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit, such as stable or"
                + " beta. The host runs on without updates; see docs/agent.md.", dots.getMessage());
    }

    private static AgentConfig load(String args) throws UpdaterException {
        return AgentConfigLoader.load(args, new Properties(), Map.of());
    }
}
