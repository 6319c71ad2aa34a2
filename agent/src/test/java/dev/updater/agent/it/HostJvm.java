package dev.updater.agent.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/** A child JVM running {@link TestHost} from a jar, with the real agent; its output is collected. */
final class HostJvm implements AutoCloseable {
    static final Path AGENT_JAR = Path.of(System.getProperty("updater.agent.jar", "target/updater.jar"));
    static final String JAVA_17 = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    static final Path JAVA_25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java");

    private final Process process;
    private final Output out;
    private final Output err;

    private HostJvm(Process process) {
        this.process = process;
        this.out = new Output(process.getInputStream());
        this.err = new Output(process.getErrorStream());
    }

    /** Starts {@code java [jvmArgs] -javaagent:updater.jar=agentArgs -jar hostJar [args]}. */
    static HostJvm start(String java, List<String> jvmArgs, String agentArgs, Path hostJar, String... args)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(jvmArgs);
        command.add("-javaagent:" + AGENT_JAR.toAbsolutePath() + (agentArgs == null ? "" : "=" + agentArgs));
        command.add("-jar");
        command.add(hostJar.toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(k -> k.startsWith("UPDATER_"));
        return new HostJvm(builder.start());
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
        return out.text();
    }

    String err() {
        return err.text();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    void send(String line) throws IOException {
        OutputStream in = process.getOutputStream();
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    int waitFor() throws InterruptedException {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("host did not exit in 30 s; stderr:\n" + err());
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    /** Drains a stream on a daemon thread, so the child never blocks on a full pipe. */
    private static final class Output {
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

        Output(InputStream stream) {
            Thread t = new Thread(() -> {
                byte[] chunk = new byte[8192];
                int n;
                try {
                    while ((n = stream.read(chunk)) > 0) {
                        synchronized (buffer) {
                            buffer.write(chunk, 0, n);
                        }
                    }
                } catch (IOException ignored) {
                    // the process ended
                }
            }, "host-output");
            t.setDaemon(true);
            t.start();
        }

        String text() {
            synchronized (buffer) {
                return buffer.toString(StandardCharsets.UTF_8);
            }
        }
    }
}
