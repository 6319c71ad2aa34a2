import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Packs {@code updater.jar}, the isolated agent jar (docs/agent-packaging.md).
 *
 * <p>The JVM puts an agent jar on the system class path, so the host sees every class and resource
 * in it. This packer therefore writes, as normal entries, only the boot package (AgentBoot, the
 * RuntimeLauncher its thread runs, and their class loader, which use nothing but the JDK);
 * everything else (the agent's other classes and its runtime dependencies, with their resources)
 * goes under {@code inst/}, each {@code .class} renamed to {@code .classdata}, where only the
 * agent's own class loader reads it.
 *
 * <p>The output is reproducible: entries sorted, every timestamp the build's outputTimestamp, no
 * build-machine details in the manifests.
 *
 * <p>Run at build time with the single-file source launcher (see agent/pom.xml):
 * <pre>java PackAgentJar.java --classes target/classes --classpath-file target/agent-classpath.txt
 *     --boot-package dev/updater/agent/boot/ --agent-class dev.updater.agent.boot.AgentBoot
 *     --title "updater agent" --version 1.2.3 --timestamp 2026-01-01T00:00:00Z --output target/updater.jar
 *     [--only net/bytebuddy/=net/bytebuddy/jar/asm/]</pre>
 *
 * <p>{@code --only TREE=KEPT}: of a dependency's classes under {@code TREE}, pack only those under
 * {@code KEPT} (the agent uses only the ASM inside Byte Buddy; its other 3,000 classes would make
 * the jar, which the JVM opens before the host starts, 3.7 MB and 3,000 entries larger).
 */
public final class PackAgentJar {
    private static final String PREFIX = "inst/";
    private static final String CLASS_SUFFIX = ".classdata";
    private static final String VERSIONS = "META-INF/versions/";
    private static final Pattern SIGNATURE_FILE = Pattern.compile("META-INF/[^/]+\\.(SF|DSA|RSA|EC)|META-INF/SIG-[^/]+");
    private static final Pattern LEGAL_FILE = Pattern.compile("(?i)(META-INF/)?(LICEN[CS]E|NOTICE|DEPENDENCIES)([.-][^/]*)?");
    private static final List<Attributes.Name> PACKAGE_ATTRIBUTES = List.of(
            Attributes.Name.SPECIFICATION_TITLE, Attributes.Name.SPECIFICATION_VERSION,
            Attributes.Name.SPECIFICATION_VENDOR, Attributes.Name.IMPLEMENTATION_TITLE,
            Attributes.Name.IMPLEMENTATION_VERSION, Attributes.Name.IMPLEMENTATION_VENDOR);

    private final Map<String, byte[]> entries = new TreeMap<>();
    private final Map<String, String> origins = new HashMap<>();
    private final Map<String, List<byte[]>> legalTexts = new HashMap<>();
    /** Package path ({@code a/b/}) to the manifest attributes of the jar it came from. */
    private final Map<String, Map<String, String>> packageAttributes = new TreeMap<>();
    private int bootClasses;
    /** {@code --only}: the class tree to trim and the part of it to keep, or null. */
    private String[] only;

    public static void main(String[] args) throws IOException {
        Map<String, String> options = options(args);
        Path classes = Path.of(options.get("--classes"));
        String bootPackage = options.get("--boot-package");
        String agentClass = options.get("--agent-class");
        String title = options.get("--title");
        String version = options.get("--version");
        Instant timestamp = timestamp(options.get("--timestamp"));
        Path output = Path.of(options.get("--output"));
        List<Path> classpath = classpath(Path.of(options.get("--classpath-file")));

        PackAgentJar packer = new PackAgentJar();
        if (options.containsKey("--only")) {
            packer.only = options.get("--only").split("=", 2);
        }
        packer.addClassesDirectory(classes, bootPackage, title, version);
        for (Path element : classpath) {
            if (Files.isDirectory(element)) {
                packer.addClassesDirectory(element, null, null, null);
            } else {
                packer.addJar(element);
            }
        }
        if (packer.bootClasses == 0 || !packer.entries.containsKey(agentClass.replace('.', '/') + ".class")) {
            throw new IllegalStateException("No class " + agentClass + " under " + classes.resolve(bootPackage)
                    + ": compile the agent module before packing it");
        }
        long size = packer.write(output, agentClass, title, version, timestamp);
        System.out.println("Packed " + packer.entries.size() + " entries (" + packer.bootClasses
                + " boot classes) into " + output + " (" + size + " bytes)");
    }

    private void addClassesDirectory(Path directory, String bootPackage, String title, String version) throws IOException {
        Map<String, String> attributes = new LinkedHashMap<>();
        if (title != null) {
            attributes.put(Attributes.Name.IMPLEMENTATION_TITLE.toString(), title);
            attributes.put(Attributes.Name.IMPLEMENTATION_VERSION.toString(), version);
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(directory)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path file : files) {
            String name = directory.relativize(file).toString().replace('\\', '/');
            byte[] content = Files.readAllBytes(file);
            if (bootPackage != null && name.startsWith(bootPackage)) {
                // The boot classes stay normal entries: the JVM loads AgentBoot from the system class path.
                put(name, content, file.toString());
                bootClasses++;
            } else if (!skipped(name)) {
                pack(name, content, directory.toString(), attributes);
            }
        }
    }

    private void addJar(Path jarPath) throws IOException {
        try (JarFile jar = new JarFile(jarPath.toFile(), false)) {
            Manifest manifest = jar.getManifest();
            boolean multiRelease = manifest != null
                    && "true".equalsIgnoreCase(manifest.getMainAttributes().getValue("Multi-Release"));
            List<JarEntry> jarEntries = new ArrayList<>(jar.stream().filter(e -> !e.isDirectory()).toList());
            jarEntries.sort((a, b) -> a.getName().compareTo(b.getName()));
            for (JarEntry entry : jarEntries) {
                String name = entry.getName();
                if (skipped(name) || trimmed(name)) {
                    continue;
                }
                if (name.startsWith(VERSIONS) && !multiRelease) {
                    // The agent's loader reads inst/META-INF/versions/N/ as multi-release: refuse to
                    // give that meaning to a jar that does not declare it.
                    throw new IllegalStateException(jarPath + " has " + name + " but is not a Multi-Release jar;"
                            + " decide how the agent should treat it before packing it");
                }
                byte[] content;
                try (InputStream in = jar.getInputStream(entry)) {
                    content = in.readAllBytes();
                }
                pack(name, content, jarPath.getFileName().toString(), packageAttributes(manifest, name));
            }
        }
    }

    private void pack(String name, byte[] content, String origin, Map<String, String> attributes) {
        if (name.endsWith(CLASS_SUFFIX)) {
            throw new IllegalStateException(origin + " has an entry " + name + " whose name the agent jar"
                    + " reserves for classes; rename it or change CLASS_SUFFIX in PackAgentJar and AgentClassLoader");
        }
        if (name.endsWith(".class")) {
            String unversioned = name.startsWith(VERSIONS) ? name.substring(name.indexOf('/', VERSIONS.length()) + 1) : name;
            int slash = unversioned.lastIndexOf('/');
            if (slash > 0 && !attributes.isEmpty()) {
                packageAttributes.putIfAbsent(unversioned.substring(0, slash + 1), attributes);
            }
            put(PREFIX + name.substring(0, name.length() - ".class".length()) + CLASS_SUFFIX, content, origin);
        } else {
            put(PREFIX + name, content, origin);
        }
    }

    private void put(String name, byte[] content, String origin) {
        byte[] existing = entries.get(name);
        if (existing == null || Arrays.equals(existing, content)) {
            entries.put(name, content);
            origins.putIfAbsent(name, origin);
        } else if (name.startsWith(PREFIX + "META-INF/services/")) {
            entries.put(name, mergedServices(existing, content));
        } else if (LEGAL_FILE.matcher(name.substring(name.startsWith(PREFIX) ? PREFIX.length() : 0)).matches()) {
            // Every dependency's notice must ship; identical texts (one Apache licence for all of Jackson) once.
            List<byte[]> texts = legalTexts.computeIfAbsent(name, n -> new ArrayList<>(List.of(existing)));
            if (texts.stream().noneMatch(text -> Arrays.equals(text, content))) {
                texts.add(content);
                entries.put(name, concat(existing, "\n".getBytes(StandardCharsets.UTF_8), content));
            }
        } else {
            throw new IllegalStateException("Entry " + name + " comes from both " + origins.get(name) + " and "
                    + origin + " with different contents; exclude one of the dependencies or teach"
                    + " PackAgentJar how to merge them");
        }
    }

    /** Directory entries, manifests, signatures (they cannot survive repacking) and module descriptors (meaningless in the agent's unnamed module). */
    private static boolean skipped(String name) {
        return name.endsWith("/")
                || name.equals("META-INF/MANIFEST.MF")
                || name.equals("META-INF/INDEX.LIST")
                || SIGNATURE_FILE.matcher(name).matches()
                || name.equals("module-info.class")
                || (name.startsWith(VERSIONS) && name.endsWith("/module-info.class"));
    }

    /** A class {@code --only} leaves out. */
    private boolean trimmed(String name) {
        String unversioned = name.startsWith(VERSIONS) ? name.substring(name.indexOf('/', VERSIONS.length()) + 1) : name;
        return only != null && unversioned.endsWith(".class") && unversioned.startsWith(only[0])
                && !unversioned.startsWith(only[1]);
    }

    private static Map<String, String> packageAttributes(Manifest manifest, String entryName) {
        Map<String, String> attributes = new LinkedHashMap<>();
        if (manifest == null) {
            return attributes;
        }
        Attributes section = manifest.getAttributes(entryName.substring(0, entryName.lastIndexOf('/') + 1));
        for (Attributes.Name key : PACKAGE_ATTRIBUTES) {
            String value = section != null && section.getValue(key) != null
                    ? section.getValue(key) : manifest.getMainAttributes().getValue(key);
            if (value != null) {
                attributes.put(key.toString(), value);
            }
        }
        return attributes;
    }

    private long write(Path output, String agentClass, String title, String version, Instant timestamp) throws IOException {
        Map<String, String> main = new LinkedHashMap<>();
        main.put("Manifest-Version", "1.0");
        main.put("Premain-Class", agentClass);
        main.put("Agent-Class", agentClass);
        main.put("Can-Retransform-Classes", "true");
        main.put("Implementation-Title", title);
        main.put("Implementation-Version", version);

        Map<String, String> innerMain = new LinkedHashMap<>();
        innerMain.put("Manifest-Version", "1.0");
        innerMain.put("Implementation-Title", title);
        innerMain.put("Implementation-Version", version);
        entries.put(PREFIX + "META-INF/MANIFEST.MF", manifest(innerMain, packageAttributes));

        LocalDateTime time = LocalDateTime.ofInstant(timestamp, ZoneOffset.UTC);
        Path temporary = output.resolveSibling(output.getFileName() + ".tmp");
        Files.createDirectories(output.toAbsolutePath().getParent());
        try (OutputStream file = Files.newOutputStream(temporary);
             ZipOutputStream zip = new ZipOutputStream(file)) {
            writeEntry(zip, "META-INF/", null, time);
            writeEntry(zip, "META-INF/MANIFEST.MF", manifest(main, Map.of()), time);
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                writeEntry(zip, entry.getKey(), entry.getValue(), time);
            }
        }
        Files.move(temporary, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return Files.size(output);
    }

    private static void writeEntry(ZipOutputStream zip, String name, byte[] content, LocalDateTime time) throws IOException {
        ZipEntry entry = new ZipEntry(name);
        // Local time without a zone: the same bytes whatever the build machine's time zone.
        entry.setTimeLocal(time);
        zip.putNextEntry(entry);
        if (content != null) {
            zip.write(content);
        }
        zip.closeEntry();
    }

    /** A manifest with sorted sections, written by hand because {@link Manifest} orders sections by hash. */
    private static byte[] manifest(Map<String, String> main, Map<String, Map<String, String>> sections) {
        StringBuilder text = new StringBuilder();
        main.forEach((key, value) -> header(text, key, value));
        text.append("\r\n");
        sections.forEach((name, attributes) -> {
            header(text, "Name", name);
            attributes.forEach((key, value) -> header(text, key, value));
            text.append("\r\n");
        });
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        try {
            new Manifest(new ByteArrayInputStream(bytes)); // fails here, not in the agent, if malformed
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes;
    }

    /** One header, wrapped at 72 bytes with continuation lines as the jar specification requires. */
    private static void header(StringBuilder text, String key, String value) {
        String line = key + ": " + value;
        int lineBytes = 0;
        for (int i = 0; i < line.length(); ) {
            int codePoint = line.codePointAt(i);
            int bytes = new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8).length;
            if (lineBytes + bytes > 72) {
                text.append("\r\n ");
                lineBytes = 1;
            }
            text.appendCodePoint(codePoint);
            lineBytes += bytes;
            i += Character.charCount(codePoint);
        }
        text.append("\r\n");
    }

    private static byte[] mergedServices(byte[] existing, byte[] added) {
        Set<String> lines = new LinkedHashSet<>();
        for (byte[] content : List.of(existing, added)) {
            new String(content, StandardCharsets.UTF_8).lines().map(String::strip)
                    .filter(line -> !line.isEmpty()).forEach(lines::add);
        }
        return (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static List<Path> classpath(Path file) throws IOException {
        String text = Files.readString(file).strip();
        List<Path> elements = new ArrayList<>();
        if (!text.isEmpty()) {
            for (String element : text.split(Pattern.quote(java.io.File.pathSeparator))) {
                elements.add(Path.of(element));
            }
        }
        return elements;
    }

    /** Maven's outputTimestamp: ISO-8601 or seconds since the epoch. */
    private static Instant timestamp(String text) {
        return text.chars().allMatch(Character::isDigit) ? Instant.ofEpochSecond(Long.parseLong(text)) : Instant.parse(text);
    }

    private static Map<String, String> options(String[] args) {
        List<String> required = List.of("--classes", "--classpath-file", "--boot-package", "--agent-class",
                "--title", "--version", "--timestamp", "--output");
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i], args[i + 1]);
        }
        List<String> missing = required.stream().filter(option -> !options.containsKey(option)).toList();
        if (!missing.isEmpty() || args.length % 2 != 0) {
            throw new IllegalArgumentException("Usage: java PackAgentJar.java " + String.join(" <value> ", required)
                    + " <value>; missing " + missing + " in " + Arrays.toString(args));
        }
        return options;
    }
}
