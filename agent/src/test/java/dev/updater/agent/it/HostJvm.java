package dev.updater.agent.it;

import dev.updater.core.testing.ChildProcess;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/** A child JVM ({@link ChildProcess}) running {@link TestHost} from a jar, with the real agent; its output is collected. */
final class HostJvm implements AutoCloseable {
    static final Path AGENT_JAR = Path.of(System.getProperty("updater.agent.jar", "target/updater.jar"));
    static final String JAVA_17 = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    static final Path JAVA_25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java");

    private final ChildProcess process;

    private HostJvm(ChildProcess process) {
        this.process = process;
    }

    /** Starts {@code java [jvmArgs] -javaagent:updater.jar=agentArgs -jar hostJar [args]}. */
    static HostJvm start(String java, List<String> jvmArgs, String agentArgs, Path hostJar, String... args) {
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(jvmArgs);
        command.add("-javaagent:" + AGENT_JAR.toAbsolutePath() + (agentArgs == null ? "" : "=" + agentArgs));
        command.add("-jar");
        command.add(hostJar.toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(k -> k.startsWith("UPDATER_"));
        return new HostJvm(ChildProcess.start(builder));
    }

    /**
     * Starts {@code java -javaagent:updater.jar=agentArgs -cp classpath mainClass [args]} with
     * {@code environment} added (the agent's {@code target=} names the host's jar then).
     */
    static HostJvm startOnClasspath(String java, Map<String, String> environment, String agentArgs,
                                    List<Path> classpath, Class<?> mainClass, String... args) {
        List<String> command = new ArrayList<>();
        command.add(java);
        command.add("-javaagent:" + AGENT_JAR.toAbsolutePath() + "=" + agentArgs);
        command.add("-cp");
        command.add(classpath.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)));
        command.add(mainClass.getName());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(k -> k.startsWith("UPDATER_"));
        builder.environment().putAll(environment);
        return new HostJvm(ChildProcess.start(builder));
    }

    /** A jar of {@code classes} (each with its nested classes) whose Implementation-Version is {@code version}. */
    static Path classesJar(Path dir, String version, Class<?>... classes) throws IOException {
        Files.createDirectories(dir);
        Path jar = dir.resolve("app.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.IMPLEMENTATION_VERSION, version);
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            for (Class<?> type : classes) {
                Path compiled = Path.of(URI.create(type.getProtectionDomain().getCodeSource().getLocation().toString()));
                Path folder = compiled.resolve(type.getPackageName().replace('.', '/'));
                try (Stream<Path> files = Files.list(folder)) {
                    for (Path file : files.filter(f -> f.getFileName().toString().equals(type.getSimpleName() + ".class")
                            || f.getFileName().toString().startsWith(type.getSimpleName() + "$")).toList()) {
                        out.putNextEntry(new JarEntry(compiled.relativize(file).toString().replace(File.separatorChar, '/')));
                        out.write(Files.readAllBytes(file));
                        out.closeEntry();
                    }
                }
            }
        }
        return jar;
    }

    /** A jar of {@link TestHost} whose Implementation-Version is {@code version}. */
    static Path hostJar(Path dir, String version) throws IOException {
        Files.createDirectories(dir);
        Path jar = dir.resolve("app.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, TestHost.class.getName());
        if (version != null) {
            manifest.getMainAttributes().put(Attributes.Name.IMPLEMENTATION_VERSION, version);
        }
        String entry = TestHost.class.getName().replace('.', '/') + ".class";
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest);
             InputStream clazz = TestHost.class.getClassLoader().getResourceAsStream(entry)) {
            out.putNextEntry(new JarEntry(entry));
            clazz.transferTo(out);
            out.closeEntry();
        }
        return jar;
    }

    long pid() {
        return process.pid();
    }

    String out() {
        return process.out();
    }

    String err() {
        return process.err();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    void send(String line) throws IOException {
        process.send(line);
    }

    int waitFor() throws InterruptedException {
        return process.awaitExit(Duration.ofSeconds(30));
    }

    /** Kills the host and anything it started, if still running. */
    @Override
    public void close() {
        process.close();
    }
}
