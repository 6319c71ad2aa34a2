package dev.updater.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link DemoApp#launch} from the test class path, which is not a release jar. */
class DemoAppTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @TempDir
    Path temp;

    @Test
    void help_printsTheUsageAndExits0() {
        assertEquals(OptionalInt.of(0), launch("--port", "nonsense", "--help"));

        assertEquals(Options.HELP, out());
        assertEquals("", err());
    }

    @Test
    void version_withoutAReleaseJar_saysSo() {
        assertEquals(OptionalInt.of(0), launch("--version"));

        assertEquals("demo-app (no version: not run from a release jar)\n", out());
    }

    @Test
    void aWrongOption_printsTheProblemTheSynopsisAndAHintAndExits2() {
        assertEquals(OptionalInt.of(2), launch("--port", "http"));

        assertEquals("", out());
        assertEquals("""
                demo-app: --port needs a number from 0 to 65535, not 'http'
                Usage: java -jar demo-app.jar [--port PORT] [--bind ADDR] [--data FILE]
                Run 'java -jar demo-app.jar --help' for the options.
                """, err());
    }

    @Test
    void outsideAReleaseJar_exits1SayingWhichJarToRun() {
        assertEquals(OptionalInt.of(1), launch("--port", "0", "--data", temp.resolve("d.properties").toString()));

        assertEquals("", out());
        assertEquals("demo-app: this jar's manifest has no Implementation-Version; run a release jar that the build"
                + " made, e.g. java -jar demo-app/target/demo-app-1.0.0.jar (./mvnw package makes them)\n", err());
    }

    private OptionalInt launch(String... args) {
        return DemoApp.launch(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n");
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n");
    }
}
