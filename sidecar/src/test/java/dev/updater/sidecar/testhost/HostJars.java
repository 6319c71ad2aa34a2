package dev.updater.sidecar.testhost;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * Builds runnable jars of {@link FakeAgentHost} that differ for real, as releases do: each carries
 * its version in {@code Implementation-Version} and its behaviour in {@code /fake-host.properties}.
 *
 * <pre>{@code
 * Path good = HostJars.build(dir.resolve("app-1.1.0.jar"), "1.1.0");
 * Path bad = HostJars.build(dir.resolve("app-1.2.0.jar"), "1.2.0", "exitAtStart=3");
 * }</pre>
 */
public final class HostJars {
    private static final FileTime FIXED = FileTime.from(Instant.parse("2026-01-01T00:00:00Z"));

    private HostJars() {
    }

    /** A jar of version {@code version}; {@code behaviour} lines such as {@code exitAtStart=3} or {@code healthy=false}. */
    public static Path build(Path jar, String version, String... behaviour) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.put(Attributes.Name.MAIN_CLASS, FakeAgentHost.class.getName());
        main.put(Attributes.Name.IMPLEMENTATION_VERSION, version);
        main.put(new Attributes.Name("Add-Opens"), "jdk.httpserver/sun.net.httpserver"); // FakeAgentHost#reusePort
        StringBuilder properties = new StringBuilder("version=" + version + "\n");
        for (String line : behaviour) {
            properties.append(line).append('\n');
        }
        Files.createDirectories(jar.toAbsolutePath().getParent());
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest)) {
            add(out, "fake-host.properties", properties.toString().getBytes(StandardCharsets.UTF_8));
            Path classes = classesDirectory();
            String packageDir = FakeAgentHost.class.getPackageName().replace('.', '/');
            try (Stream<Path> files = Files.list(classes.resolve(packageDir))) {
                for (Path c : files.filter(p -> p.getFileName().toString().startsWith("FakeAgentHost"))
                        .sorted().toList()) {
                    add(out, packageDir + "/" + c.getFileName(), Files.readAllBytes(c));
                }
            }
        }
        return jar;
    }

    /** Behaviour lines for the common releases. */
    public static final List<String> EXITS_AT_START = List.of("exitAtStart=3");
    public static final List<String> NEVER_HEALTHY = List.of("healthy=false");
    public static final List<String> ANSWERS_500 = List.of("status=500");

    private static void add(JarOutputStream out, String name, byte[] bytes) throws IOException {
        JarEntry entry = new JarEntry(name);
        entry.setLastModifiedTime(FIXED);
        out.putNextEntry(entry);
        out.write(bytes);
        out.closeEntry();
    }

    private static Path classesDirectory() throws IOException {
        try {
            return Path.of(FakeAgentHost.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
    }
}
