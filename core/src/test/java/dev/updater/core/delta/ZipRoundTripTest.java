package dev.updater.core.delta;

import dev.updater.core.Sha256;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every ordered pair of versions of the same library among the real jars the build copied from Maven
 * Central into target/delta-jars (core/pom.xml), and pairs of Spring Boot fat jars built from them
 * ({@link SpringBootFatJars}): index both, keep only the old jar's objects plus the objects the new
 * index names that the old jar lacks, rebuild the new jar from them, byte for byte.
 */
class ZipRoundTripTest {
    private static final Path JARS = Path.of("target", "delta-jars");
    private static final Pattern NAME = Pattern.compile("(.+?)-(\\d.*)\\.jar");

    @TempDir
    Path dir;

    /** Fat jars built once per class: pairs share their builds (a build takes a second or two on a busy machine). */
    @TempDir
    static Path builds;
    private static final Map<SpringBootFatJars.Build, Path> BUILT = new java.util.HashMap<>();

    private static synchronized Path fatJar(Path folder, SpringBootFatJars.Build build) throws IOException {
        Path built = BUILT.get(build);
        if (built == null) {
            built = SpringBootFatJars.build(folder, "boot-" + BUILT.size() + ".jar", build);
            BUILT.put(build, built);
        }
        return built;
    }

    static Stream<Arguments> versionPairs() throws IOException {
        Map<String, List<Path>> byLibrary = new TreeMap<>();
        try (Stream<Path> jars = Files.list(JARS)) {
            jars.sorted(Comparator.comparing(Path::toString)).forEach(jar -> {
                Matcher m = NAME.matcher(jar.getFileName().toString());
                if (m.matches() && !m.group(1).startsWith("bcprov")) { // the signed jar has a test of its own
                    byLibrary.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(jar);
                }
            });
        }
        List<Arguments> pairs = new ArrayList<>();
        byLibrary.values().forEach(versions -> {
            for (Path from : versions) {
                for (Path to : versions) {
                    if (!from.equals(to)) {
                        pairs.add(Arguments.of(from.getFileName().toString(), to.getFileName().toString()));
                    }
                }
            }
        });
        assertTrue(pairs.size() >= 30, "the build copies enough jars for 30 pairs, found " + pairs.size());
        return pairs.stream();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("versionPairs")
    void rebuildsTheNewJar_fromTheOldJarAndTheFetchedObjects_byteForByte(String from, String to) throws Exception {
        Path newJar = JARS.resolve(to);
        Delta delta = roundTrip(dir, JARS.resolve(from), newJar);
        assertTrue(delta.objectBytes() < Files.size(newJar), "a delta fetches less than the jar: " + delta);
    }

    private static final List<Path> LIBRARIES = List.of(SpringBootFatJars.library("commons-lang3-3.17.0.jar"),
            SpringBootFatJars.library("slf4j-api-2.0.18.jar"), SpringBootFatJars.library("jackson-databind-2.22.3.jar"));
    static final SpringBootFatJars.Build APP = SpringBootFatJars.reproducible(
            SpringBootFatJars.library("netty-codec-http-4.2.20.Final.jar"),
            SpringBootFatJars.library("commons-io-2.22.0.jar"), LIBRARIES);
    static final String APP_CLASS = "org/apache/commons/io/FileUtils.class";

    private static List<Path> bump(String from, String to) {
        return LIBRARIES.stream().map(jar -> jar.getFileName().toString().equals(from) ? SpringBootFatJars.library(to)
                : jar).toList();
    }

    /** The pairs, each with the most its objects may weigh: a bump, the bumped jar (a new jar's entries are all new). */
    static Stream<Arguments> springBootPairs() throws IOException {
        SpringBootFatJars.Build unreproducible = new SpringBootFatJars.Build(APP.appClasses(), APP.appModule(),
                LIBRARIES, 1_750_000_000_000L, false, null);
        return Stream.of(
                Arguments.of("built twice, new timestamps", unreproducible, unreproducible.at(1_760_000_000_000L),
                        64L << 10),
                Arguments.of("built twice, reproducible", APP, APP, 0L),
                Arguments.of("commons-lang3 3.17.0 -> 3.18.0", APP,
                        APP.withLibraries(bump("commons-lang3-3.17.0.jar", "commons-lang3-3.18.0.jar")),
                        Files.size(SpringBootFatJars.library("commons-lang3-3.18.0.jar"))),
                Arguments.of("jackson-databind 2.22.3 -> 2.22.4", APP,
                        APP.withLibraries(bump("jackson-databind-2.22.3.jar", "jackson-databind-2.22.4.jar")),
                        Files.size(SpringBootFatJars.library("jackson-databind-2.22.4.jar"))),
                Arguments.of("slf4j-api 2.0.18 -> 2.0.19, not reproducible", unreproducible,
                        unreproducible.at(1_760_000_000_000L).withLibraries(bump("slf4j-api-2.0.18.jar",
                                "slf4j-api-2.0.19.jar")), Files.size(SpringBootFatJars.library("slf4j-api-2.0.19.jar"))),
                Arguments.of("one class changed in the app's nested module jar", APP, APP.changing(APP_CLASS), 32L << 10));
    }

    /**
     * Spring Boot fat jars built by Spring Boot's Repackager, twice: the nested jars (STORED in BOOT-INF/lib)
     * are synced inside, so a bumped or changed nested jar costs its changed entries, never more than itself.
     */
    @ParameterizedTest(name = "Spring Boot fat jar: {0}")
    @MethodSource("springBootPairs")
    void rebuildsASpringBootFatJar_syncingInsideItsNestedJars_byteForByte(String name, SpringBootFatJars.Build before,
                                                                          SpringBootFatJars.Build after, long atMost)
            throws Exception {
        Path oldJar = fatJar(builds, before);
        Path newJar = before.equals(after) ? SpringBootFatJars.build(dir, "again.jar", after) : fatJar(builds, after);
        assertTrue(ZipIndexer.index(newJar).index().nested().size() >= 4, "the app module and the libraries are nested");

        Delta delta = roundTrip(dir, oldJar, newJar);

        if (before.equals(after)) {
            assertArrayEquals(Files.readAllBytes(oldJar), Files.readAllBytes(newJar), "a reproducible build is the same bytes");
        } else {
            assertFalse(Arrays.equals(Files.readAllBytes(oldJar), Files.readAllBytes(newJar)), "two different jars");
        }
        assertTrue(delta.objectBytes() <= atMost, "the objects fetched weigh at most " + atMost + ": " + delta);
    }

    /**
     * A signed jar (bcprov: META-INF/BCRSA204.SF and .RSA, every class listed with its digest) rebuilt from the
     * version before: its signature files are entries like any other, so the rebuilt jar still verifies, entry
     * by entry, as the JVM verifies it when it loads a class from it.
     */
    @Test
    void aSignedJar_rebuiltFromTheVersionBefore_verifiesWithItsSignature() throws Exception {
        Delta delta = roundTrip(dir, JARS.resolve("bcprov-jdk18on-1.86.jar"), JARS.resolve("bcprov-jdk18on-1.87.jar"));

        int signed = 0;
        try (JarFile jar = new JarFile(delta.rebuilt().toFile(), true)) {
            assertTrue(jar.stream().anyMatch(e -> e.getName().matches("META-INF/[^/]+\\.SF")), "a signed jar");
            for (JarEntry entry : java.util.Collections.list(jar.entries())) {
                if (entry.isDirectory() || entry.getName().startsWith("META-INF/")) {
                    continue;
                }
                try (InputStream in = jar.getInputStream(entry)) {
                    in.transferTo(OutputStream.nullOutputStream()); // a digest that does not match throws here
                }
                assertNotNull(entry.getCodeSigners(), entry.getName() + " is signed in the rebuilt jar");
                signed++;
            }
        }
        assertTrue(signed > 1000, signed + " signed entries");
    }

    /** What a round trip fetched: the index chunks the old jar does not give, the objects and the nested jars rebuilt. */
    record Delta(long chunkBytes, int objects, long objectBytes, int nestedRebuilt, Path rebuilt) {
    }

    /**
     * Publishes {@code newJar} (its index through the file format, version 2 or 3, as a client receives it; the
     * channel's objects as {@code publish} stores them), then does what a client with {@code oldJar} does:
     * computes the old jar's index chunks, fetches the others, plans, fetches the objects it lacks, rebuilds
     * the nested jars it lacks from their entries, rebuilds the new jar and checks it byte for byte.
     */
    static Delta roundTrip(Path dir, Path oldJar, Path newJar) throws Exception {
        Sha256 newSha = Sha256.ofFile(newJar);
        IndexedZip published = ZipIndexer.index(newJar);
        ChunkedIndex.Written written = ChunkedIndex.write(published.index());
        Map<Sha256, byte[]> channelChunks = new java.util.HashMap<>();
        for (int i = 0; i < written.storedChunks().size(); i++) {
            channelChunks.put(written.index().chunks().get(i).object().sha256(), written.storedChunks().get(i));
        }
        // The channel's objects, as publish stores them (every object of allObjects()), read where they lie in the new jar.
        LocalObjects channel = new LocalObjects(List.of(published), null);

        IndexedZip installed = ZipIndexer.index(oldJar);
        Path fetched = Files.createDirectories(dir.resolve("fetched-" + System.nanoTime()));
        KeptIndexChunks chunks = new KeptIndexChunks(null, fetched);
        ChunkedIndex top = ChunkedIndex.read(written.top(), Files.size(newJar), newSha);
        long chunkBytes = 0;
        for (ObjectRef chunk : chunks.missing(top, List.of(installed))) {
            Files.write(fetched.resolve(chunk.sha256().hex()), channelChunks.get(chunk.sha256()));
            chunkBytes += chunk.size();
        }
        EntryIndex index = top.assemble(chunks);
        Path objects = Files.createDirectories(dir.resolve("objects-" + System.nanoTime()));
        LocalObjects local = new LocalObjects(List.of(installed), objects);
        LocalObjects.Plan plan = local.plan(index);
        long objectBytes = 0;
        for (ObjectRef ref : plan.fetch()) {
            try (var in = channel.open(ref)) {
                Files.write(objects.resolve(ref.sha256().hex()), in.readNBytes((int) ref.size()));
            }
            objectBytes += ref.size();
        }
        for (EntryIndex.Nested nested : plan.rebuild()) {
            ObjectRef jar = index.entries().get(nested.entry()).data();
            ZipRebuilder.rebuild(nested.index(), local, objects.resolve(jar.sha256().hex()), jar.sha256(), jar.size());
        }
        Path rebuilt = dir.resolve("rebuilt-" + System.nanoTime() + ".jar");
        Sha256 result = ZipRebuilder.rebuild(index, local, rebuilt, newSha, Files.size(newJar));

        assertEquals(newSha, result);
        assertArrayEquals(Files.readAllBytes(newJar), Files.readAllBytes(rebuilt));
        return new Delta(chunkBytes, plan.fetch().size(), objectBytes, plan.rebuild().size(), rebuilt);
    }
}
