package dev.updater.core.delta;

import dev.updater.core.Sha256;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every ordered pair of versions of the same library among the real jars the build copied from Maven
 * Central into target/delta-jars (core/pom.xml): index both, keep only the old jar's objects plus the
 * objects the new index names that the old jar lacks, rebuild the new jar from them, byte for byte.
 */
class ZipRoundTripTest {
    private static final Path JARS = Path.of("target", "delta-jars");
    private static final Pattern NAME = Pattern.compile("(.+?)-(\\d.*)\\.jar");

    @TempDir
    Path dir;

    static Stream<Arguments> versionPairs() throws IOException {
        Map<String, List<Path>> byLibrary = new TreeMap<>();
        try (Stream<Path> jars = Files.list(JARS)) {
            jars.sorted(Comparator.comparing(Path::toString)).forEach(jar -> {
                Matcher m = NAME.matcher(jar.getFileName().toString());
                if (m.matches()) {
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
        Path oldJar = JARS.resolve(from);
        Path newJar = JARS.resolve(to);
        Sha256 newSha = Sha256.ofFile(newJar);

        // The publisher's side: the index goes through its file format (version 2: a top-level file and
        // chunks), as a client receives it; the client computes the old jar's chunks and fetches the others.
        ChunkedIndex.Written published = ChunkedIndex.write(ZipIndexer.index(newJar).index());
        Path channelChunks = Files.createDirectories(dir.resolve("channel-chunks"));
        for (int i = 0; i < published.storedChunks().size(); i++) {
            Files.write(channelChunks.resolve(published.index().chunks().get(i).object().sha256().hex()),
                    published.storedChunks().get(i));
        }
        IndexedZip installed = ZipIndexer.index(oldJar);
        KeptIndexChunks chunks = new KeptIndexChunks(null, channelChunks);
        ChunkedIndex top = ChunkedIndex.read(published.top(), Files.size(newJar), newSha);
        chunks.missing(top, List.of(installed));
        EntryIndex index = top.assemble(chunks);

        // What it lacks is fetched into a folder; here copied from the new jar's objects.
        List<ObjectRef> missing = new LocalObjects(List.of(installed), null).missing(index);
        Path fetched = Files.createDirectories(dir.resolve("fetched"));
        ObjectSource channel = new LocalObjects(List.of(ZipIndexer.index(newJar)), null);
        long fetchedBytes = 0;
        for (ObjectRef ref : missing) {
            try (var in = channel.open(ref)) {
                Files.write(fetched.resolve(ref.sha256().hex()), in.readNBytes((int) ref.size()));
            }
            fetchedBytes += ref.size();
        }
        assertTrue(fetchedBytes < Files.size(newJar), "a delta fetches less than the jar: " + fetchedBytes);

        Path rebuilt = dir.resolve("rebuilt.jar");
        Sha256 result = ZipRebuilder.rebuild(index, new LocalObjects(List.of(installed), fetched), rebuilt, newSha,
                Files.size(newJar));

        assertEquals(newSha, result);
        assertArrayEquals(Files.readAllBytes(newJar), Files.readAllBytes(rebuilt));
    }
}
