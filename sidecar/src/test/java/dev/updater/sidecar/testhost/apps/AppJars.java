package dev.updater.sidecar.testhost.apps;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * Test only: thin, runnable jars of the real test host apps, as releases that differ for real: the
 * app's own classes, {@code /test-host.properties} (version, behaviour) and a manifest whose
 * {@code Class-Path} names the server's jars where Maven keeps them. {@code java -jar app.jar --port N}
 * runs one, so the sidecar's {@code run -- java -jar TARGET} can swap it like any release.
 *
 * <pre>{@code
 * Path a = AppJars.build(dir.resolve("app.jar"), AppJars.Kind.JETTY, "1.0.0", AppRelease.Behaviour.GOOD);
 * Path bad = AppJars.build(dir.resolve("bad.jar"), AppJars.Kind.JETTY, "1.2.0", AppRelease.Behaviour.ANSWERS_500);
 * }</pre>
 */
public final class AppJars {
    private static final FileTime FIXED = FileTime.from(Instant.parse("2026-01-01T00:00:00Z"));

    /** The servers, each with its main class and the file-name prefixes of the jars it needs. */
    public enum Kind {
        JDK_HTTP(JdkHttpApp.class, List.of()),
        JETTY(JettyApp.class, List.of("jetty-", "slf4j-api-")),
        SPRING_BOOT(SpringBootApp.class, List.of("spring-", "tomcat-embed-", "jakarta.annotation-api-", "micrometer-",
                "logback-", "slf4j-api-", "log4j-", "jul-to-slf4j-", "snakeyaml-", "HdrHistogram-", "LatencyUtils-"));

        private final Class<?> main;
        private final List<String> jarPrefixes;

        Kind(Class<?> main, List<String> jarPrefixes) {
            this.main = main;
            this.jarPrefixes = jarPrefixes;
        }
    }

    private AppJars() {
    }

    public static Path build(Path jar, Kind kind, String version, AppRelease.Behaviour behaviour) throws IOException {
        return build(jar, kind.main, libraries(kind), version, behaviour, "");
    }

    /**
     * A {@link HandoffApp} release: the JDK's server, visits kept in memory, and the state hand-off MBean as
     * {@code handoff} says ({@code keeps}, {@code throws}, {@code hangs}, {@code huge}, {@code none}).
     */
    public static Path handoffApp(Path jar, String version, AppRelease.Behaviour behaviour, String handoff)
            throws IOException {
        return build(jar, HandoffApp.class, List.of(), version, behaviour, "handoff=" + handoff + "\n");
    }

    private static Path build(Path jar, Class<?> mainClass, List<Path> libraries, String version,
                              AppRelease.Behaviour behaviour, String moreProperties) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.put(Attributes.Name.MAIN_CLASS, mainClass.getName());
        main.put(Attributes.Name.IMPLEMENTATION_VERSION, version);
        if (!libraries.isEmpty()) {
            main.put(Attributes.Name.CLASS_PATH, String.join(" ", libraries.stream()
                    .map(p -> p.toUri().toString()).toList()));
        }
        String properties = "version=" + version + "\nbehaviour=" + behaviour.name() + "\n" + moreProperties;
        Files.createDirectories(jar.toAbsolutePath().getParent());
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest)) {
            add(out, "test-host.properties", properties.getBytes(StandardCharsets.UTF_8));
            Path classes = classesDirectory();
            String packageDir = AppJars.class.getPackageName().replace('.', '/');
            String mainName = mainClass.getSimpleName();
            try (Stream<Path> files = Files.list(classes.resolve(packageDir))) {
                for (Path c : files.filter(p -> ownClass(p.getFileName().toString(), mainName)).sorted().toList()) {
                    add(out, packageDir + "/" + c.getFileName(), Files.readAllBytes(c));
                }
            }
        }
        return jar;
    }

    private static boolean ownClass(String file, String mainName) {
        return file.equals(mainName + ".class") || file.startsWith(mainName + "$") || file.startsWith("AppRelease");
    }

    /** The jars of the tests' class path (surefire's and failsafe's manifest-only booter jar opened) the app needs. */
    static List<Path> libraries(Kind kind) throws IOException {
        if (kind.jarPrefixes.isEmpty()) {
            return List.of();
        }
        List<Path> found = new ArrayList<>();
        for (Path entry : testClassPath()) {
            String name = entry.getFileName().toString();
            if (name.endsWith(".jar") && kind.jarPrefixes.stream().anyMatch(name::startsWith)) {
                found.add(entry);
            }
        }
        if (found.isEmpty()) {
            throw new IOException("no jar for " + kind + " on the tests' class path; is it a test dependency of the sidecar?");
        }
        return found;
    }

    private static Set<Path> testClassPath() throws IOException {
        Set<Path> entries = new LinkedHashSet<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path path = Path.of(entry).toAbsolutePath();
            entries.add(path);
            if (path.getFileName().toString().startsWith("surefirebooter") && Files.isRegularFile(path)) {
                try (JarFile booter = new JarFile(path.toFile())) {
                    String classPath = booter.getManifest().getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
                    for (String url : classPath == null ? new String[0] : classPath.split(" ")) {
                        try {
                            entries.add(Path.of(path.getParent().toUri().resolve(new URI(url))));
                        } catch (URISyntaxException | IllegalArgumentException e) {
                            throw new IOException("unreadable Class-Path entry " + url + " in " + path, e);
                        }
                    }
                }
            }
        }
        return entries;
    }

    private static void add(JarOutputStream out, String name, byte[] bytes) throws IOException {
        JarEntry entry = new JarEntry(name);
        entry.setLastModifiedTime(FIXED);
        out.putNextEntry(entry);
        out.write(bytes);
        out.closeEntry();
    }

    private static Path classesDirectory() throws IOException {
        try {
            return Path.of(AppJars.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
    }
}
