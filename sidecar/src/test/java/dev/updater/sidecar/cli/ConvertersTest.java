package dev.updater.sidecar.cli;

import dev.updater.core.version.ReleaseVersion;
import dev.updater.core.Sha256;
import dev.updater.core.home.InstalledRelease;
import dev.updater.core.home.JsonRecords;
import dev.updater.sidecar.testhost.Staging;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A bad option value is a usage error found while the command line is parsed: exit 2, the message,
 * the synopsis and where to find help, before the command reads or changes anything. Never
 * "Unexpected error".
 */
class ConvertersTest {
    private static final String TOO_LONG = "\"999999999999d\" is longer than 100 years; write at most 36500d";

    @TempDir
    Path dir;

    @Test
    void apply_keepingNoBackup_isAUsageError_andTouchesNothing_evenWithAReleaseStaged() throws Exception {
        Path home = Staging.newHome(dir.resolve("home"));
        Path target = Files.writeString(dir.resolve("app.jar"), "app 1.0.0");
        JsonRecords.write(home.resolve("installed.json"), new InstalledRelease(ReleaseVersion.parse("1.0.0"),
                Sha256.ofBytes("app 1.0.0".getBytes(StandardCharsets.UTF_8)), target.toString(), null, null));
        Staging.stage(home, Files.writeString(dir.resolve("new.jar"), "app 1.1.0"), "1.1.0");
        Map<String, String> before = snapshot(dir);

        CliRun run = CliRun.run("apply", "--home", home.toString(), "--yes", "--target", target.toString(),
                "--keep-backups", "0");

        assertUsage(run, "apply", "Invalid value for option '--keep-backups': 0; keep at least 1, a rollback needs the"
                + " previous version");
        assertEquals("", run.out());
        assertEquals(before, snapshot(dir), "nothing in the home or the target changed");
    }

    @Test
    void keepBackups_thatIsNoNumber_orNegative_isAUsageError() {
        assertUsage(CliRun.run("run", "--home", dir.toString(), "--keep-backups", "two", "--", "java", "-jar", "a.jar"),
                "run", "Invalid value for option '--keep-backups': 'two' is not a whole number such as 2");
        assertUsage(CliRun.run("watch", "--home", dir.toString(), "--keep-backups", "-1"),
                "watch", "Invalid value for option '--keep-backups': -1; keep at least 1, a rollback needs the previous"
                        + " version");
    }

    @Test
    void aTimeoutOfZero_isAUsageError() {
        assertUsage(CliRun.run("run", "--home", dir.toString(), "--health-timeout", "0s", "--", "java", "-jar", "a.jar"),
                "run", "Invalid value for option '--health-timeout': \"0s\" is zero; write a duration longer than that,"
                        + " such as 500ms, 5s, 10m, 1h or 30d");
        assertUsage(CliRun.run("watch", "--home", dir.toString(), "--restart-timeout", "PT0S"),
                "watch", "Invalid value for option '--restart-timeout': \"PT0S\" is zero; write a duration longer than"
                        + " that, such as 500ms, 5s, 10m, 1h or 30d");
    }

    @Test
    void aDurationOfMillionsOfYears_isAUsageError_notAnOverflow() {
        assertUsage(CliRun.run("apply", "--home", dir.toString(), "--wait", "999999999999d"),
                "apply", "Invalid value for option '--wait': " + TOO_LONG);
        assertUsage(CliRun.run("run", "--home", dir.toString(), "--stop-timeout", "999999999999d", "--", "java", "-jar",
                "a.jar"), "run", "Invalid value for option '--stop-timeout': " + TOO_LONG);
        assertUsage(publish("--expires-in", "999999999999d"), "publish",
                "Invalid value for option '--expires-in': " + TOO_LONG);
    }

    @Test
    void publish_withARolloutThatIsNoPercentage_orABaseUrlThatIsNotAbsolute_isAUsageError_andWritesNothing() {
        assertUsage(publish("--rollout", "abc"), "publish",
                "Invalid value for option '--rollout': 'abc' is not a percentage such as 25 or 2.5");
        assertUsage(publish("--rollout", "NaN"), "publish", "Invalid value for option '--rollout': NaN is outside 0 to 100");
        assertUsage(publish("--rollout", "-0.5"), "publish",
                "Invalid value for option '--rollout': -0.5 is outside 0 to 100");
        assertUsage(publish("--base-url", "cdn.example.com/app/"), "publish", "Invalid value for option '--base-url':"
                + " 'cdn.example.com/app/' is not an absolute URL such as https://cdn.example.com/app/");
        assertEquals(false, Files.exists(dir.resolve("channel")), "nothing was published");
    }

    @Test
    void aHealthUrlThatIsNotHttp_isAUsageError() {
        assertUsage(CliRun.run("run", "--home", dir.toString(), "--health-url", "ftp://127.0.0.1/health", "--", "java",
                "-jar", "a.jar"), "run", "Invalid value for option '--health-url': 'ftp://127.0.0.1/health' is not an"
                + " http or https URL; write it as http://127.0.0.1:8080/health");
        assertUsage(CliRun.run("watch", "--home", dir.toString(), "--health-url", "http:/health"), "watch",
                "Invalid value for option '--health-url': 'http:/health' is not an http or https URL; write it as"
                        + " http://127.0.0.1:8080/health");
    }

    @Test
    void aWindowThatIsEmpty_isAUsageError() {
        assertUsage(CliRun.run("watch", "--home", dir.toString(), "--apply", "window=02:00-02:00"), "watch",
                "Invalid value for option '--apply': The window 02:00-02:00 is empty; write two different times,"
                        + " such as window=02:00-04:00.");
    }

    @Test
    void verify_withAKeyThatIsNoKey_isAUsageError() {
        CliRun run = CliRun.run("verify", "--manifest", dir.toString(), "--key", "ed25519:abc");

        assertUsage(run, "verify", run.err().lines().findFirst().orElseThrow());
        assertTrue(run.err().startsWith("Invalid value for option '--key' (ed25519:KEY): Public key \"ed25519:abc\" has"
                + " 3 Base64 characters after ed25519:, not 60: it was cut off when copied; a public key is one line:"
                + " ed25519:MCowBQYDK2VwAyEA and 44 more Base64 characters, 68 in all, ending in '=' (the line"
                + " 'updater-sidecar keygen' prints).\n"), run.err());
    }

    private CliRun publish(String... options) {
        String[] args = Stream.concat(Stream.of("publish", "--version", "1.0.0", "--artifact", "any=" + dir.resolve(
                "app.jar"), "--key", dir.resolve("updater.key").toString(), "--out", dir.resolve("channel").toString()),
                Stream.of(options)).toArray(String[]::new);
        return CliRun.run(args);
    }

    /** Exit 2; the message, then the synopsis, then where to find help; never "Unexpected error". */
    private static void assertUsage(CliRun run, String command, String message) {
        assertEquals(2, run.exitCode(), run.toString());
        assertEquals(message, run.err().lines().findFirst().orElse(""), run.toString());
        assertTrue(run.err().startsWith(message + "\nUsage: updater-sidecar " + command + " "), run.toString());
        assertTrue(run.err().endsWith("Run 'updater-sidecar " + command + " --help' for more information.\n"),
                run.toString());
    }

    /** Every file below {@code root} (relative path) and the SHA-256 of its bytes. */
    private static Map<String, String> snapshot(Path root) throws Exception {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                files.put(root.relativize(file).toString(), Sha256.ofFile(file).hex());
            }
        }
        return files;
    }
}
