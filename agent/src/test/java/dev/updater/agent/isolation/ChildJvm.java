package dev.updater.agent.isolation;

import dev.updater.core.testing.ChildProcess;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Runs a test host to its end in a real child JVM ({@link ChildProcess}), with the agent jar as {@code -javaagent}. */
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
        List<Object> options = new ArrayList<>();
        options.add("-javaagent:" + agentJar + "=" + agentArgs);
        options.addAll(jvmOptions);
        options.add("-cp");
        options.add(classpath.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)));
        options.add(mainClass);
        options.addAll(List.of(args));
        // A light JVM (ChildProcess.java): the tests run several on a shared 2-core machine.
        ChildProcess.Finished run = ChildProcess.run(ChildProcess.java(java.executable(), options.toArray()), TIMEOUT);
        return new Result(run.exitCode(), run.out(), run.err());
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
