package dev.updater.agent.isolation;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.fail;

/** Runs a test host in a real child JVM, with the agent jar as {@code -javaagent}. */
final class ChildJvm {
    static final Path AGENT_JAR = Path.of(requiredProperty("updater.agent.jar"));
    private static final Path JDK_25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java");
    private static final Duration TIMEOUT = Duration.ofSeconds(40);

    /** A {@code java} executable the agent must work on. */
    record Java(String label, Path executable) {
        boolean installed() {
            return Files.isExecutable(executable);
        }

        @Override
        public String toString() {
            return label;
        }
    }

    record Result(int exitCode, String stdout, String stderr) {
        List<String> stdoutLines() {
            return stdout.lines().toList();
        }

        List<String> stderrLines() {
            return stderr.lines().toList();
        }
    }

    private ChildJvm() {
    }

    /** The JDK running the tests (the build's JDK 17) and JDK 25, the newest the agent supports. */
    static Stream<Java> javas() {
        return Stream.of(
                new Java("JDK " + Runtime.version().feature() + " (the build's)",
                        Path.of(System.getProperty("java.home"), "bin", "java")),
                new Java("JDK 25", JDK_25));
    }

    static Result run(Java java, Path agentJar, String agentArgs, List<Path> classpath, List<String> jvmOptions,
                      String mainClass, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(java.executable().toString());
        // A light JVM: the tests run several on a shared 2-core machine.
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-XX:+UseSerialGC");
        command.add("-javaagent:" + agentJar + "=" + agentArgs);
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classpath.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)));
        command.add(mainClass);
        command.addAll(List.of(args));

        Path output = Files.createTempFile("child-jvm", ".out");
        Path errors = Files.createTempFile("child-jvm", ".err");
        try {
            Process process = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(output.toFile())
                    .redirectError(errors.toFile())
                    .start();
            if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                fail(mainClass + " on " + java + " did not exit within " + TIMEOUT + "; stdout: "
                        + Files.readString(output) + " stderr: " + Files.readString(errors) + "; command: " + command);
            }
            return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8),
                    Files.readString(errors, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(output);
            Files.deleteIfExists(errors);
        }
    }

    static String requiredProperty(String name) {
        String value = System.getProperty(name);
        if (value == null) {
            throw new IllegalStateException("System property " + name + " is not set: run the isolation tests"
                    + " through failsafe (agent/pom.xml sets it), e.g. ./mvnw -pl agent -am verify");
        }
        return value;
    }
}
