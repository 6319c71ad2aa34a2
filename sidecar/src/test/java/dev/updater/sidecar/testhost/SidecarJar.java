package dev.updater.sidecar.testhost;

import dev.updater.core.testing.ChildProcess;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The sidecar as operators run it, {@code java -jar updater-sidecar.jar …}, from the jar 'package' built. */
public final class SidecarJar {
    /** Failsafe passes the jar it built and runs in the module directory; surefire only the latter. */
    public static final Path PATH = Path.of(System.getProperty("sidecar.jar", "target/updater-sidecar.jar"))
            .toAbsolutePath();

    private SidecarJar() {
    }

    /** Skips the test, saying why, when the jar is not built (a unit-test run before 'package'). */
    public static void assumeBuilt() {
        assumeTrue(Files.isRegularFile(PATH), "run after 'package': " + PATH);
    }

    /** {@code java [jvmOptions] -jar updater-sidecar.jar args…}, with the quick-start options of {@link ChildProcess#java}. */
    public static List<String> command(List<String> jvmOptions, List<String> args) {
        List<Object> all = new ArrayList<>(jvmOptions);
        all.add("-jar");
        all.add(PATH);
        all.addAll(args);
        return ChildProcess.java(all.toArray());
    }

    /** Starts {@link #command}, its error output merged into its output. */
    public static ChildProcess start(List<String> jvmOptions, List<String> args) {
        return ChildProcess.start(command(jvmOptions, args));
    }
}
