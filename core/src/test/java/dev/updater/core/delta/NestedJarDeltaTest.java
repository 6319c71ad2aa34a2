package dev.updater.core.delta;

import dev.updater.core.UpdaterException;
import dev.updater.core.check.ReleaseStager;
import dev.updater.core.download.Cancellation;
import dev.updater.core.download.DownloadListener;
import dev.updater.core.download.DownloadOptions;
import dev.updater.core.download.Downloader;
import dev.updater.core.home.HistoryEvent;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.manifest.Manifest;
import dev.updater.core.policy.Decision;
import dev.updater.core.testing.TestChannel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ReleaseStager} updating a real Spring Boot fat jar ({@link SpringBootFatJars}) whose nested app
 * jar changed in one class, from a channel on 127.0.0.1: only that class is fetched, and a nested index
 * that lies makes the host download the whole fat jar.
 */
class NestedJarDeltaTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-02T09:30:00Z"), ZoneOffset.UTC);
    private static final String MODULE = "BOOT-INF/lib/app-module-1.0.jar";

    @TempDir
    Path dir;

    /** The two releases, built once for both tests. */
    @TempDir
    static Path builds;
    private static Path oldJar;
    private static Path newJar;

    @BeforeAll
    static void buildTheReleases() throws Exception {
        oldJar = SpringBootFatJars.build(builds, "1.0.0.jar", ZipRoundTripTest.APP);
        newJar = SpringBootFatJars.build(builds, "1.1.0.jar", ZipRoundTripTest.APP.changing(ZipRoundTripTest.APP_CLASS));
    }

    private List<String> stage(TestChannel channel, Manifest manifest, Path installed, UpdateHome home) throws Exception {
        Files.createDirectories(home.release("1.0.0"));
        Files.copy(installed, home.release("1.0.0").resolve("app.jar"));
        List<String> events = new ArrayList<>();
        new ReleaseStager(home, new Downloader(DownloadOptions.defaults()), CLOCK).stage(manifest, "any",
                manifest.binaries().get("any"), channel.manifestUri(), new Decision.Install(manifest.version(), false,
                        "install"), new DownloadListener() {
                    @Override
                    public void deltaUsed(long bytesFetched, long fullSize, int objects, DeltaPieces pieces) {
                        events.add("used " + objects + " objects, " + bytesFetched + " of " + fullSize + " bytes");
                    }

                    @Override
                    public void deltaRefused(UpdaterException reason) {
                        events.add("refused " + reason.code());
                    }
                }, Cancellation.none());
        return events;
    }

    private static EntryIndex.Nested module(EntryIndex index) {
        return index.nested().stream().filter(nested -> new String(index.entries().get(nested.entry()).localHeader(),
                30, MODULE.length(), StandardCharsets.UTF_8).equals(MODULE)).findFirst().orElseThrow();
    }

    private static String lastHistory(UpdateHome home) throws Exception {
        List<HistoryEvent> events = home.history().read();
        return events.get(events.size() - 1).detail();
    }

    @Test
    void oneClassChangedInTheNestedAppJar_fetchesOnlyThatClass_andStagesTheExactFatJar() throws Exception {
        byte[] newBytes = Files.readAllBytes(newJar);
        EntryIndex newIndex = ZipIndexer.index(newJar).index();
        ObjectRef moduleJar = newIndex.entries().get(module(newIndex).entry()).data();
        List<ObjectRef> changed = new LocalObjects(List.of(ZipIndexer.index(oldJar)), null).plan(newIndex).fetch();
        assertEquals(1, changed.size(), "one class changed: " + changed);

        try (TestChannel channel = TestChannel.start(dir.resolve("channel"))) {
            Manifest manifest = channel.publishWithIndex("1.1.0", newBytes);
            UpdateHome home = new UpdateHome(Files.createDirectories(dir.resolve("home")));

            List<String> events = stage(channel, manifest, oldJar, home);

            assertArrayEquals(newBytes, Files.readAllBytes(home.release("1.1.0").resolve("app.jar")));
            assertEquals(1, events.size(), events.toString());
            assertTrue(events.get(0).startsWith("used 1 objects, "), events.toString());
            assertEquals(1, channel.requests("/" + changed.get(0).path()), "the changed class is fetched");
            assertEquals(0, channel.requests("/" + moduleJar.path()), "the nested jar it is in is not");
            assertEquals(0, channel.requests("/" + TestChannel.artifactPath("1.1.0")), "nor the fat jar");
            assertTrue(lastHistory(home).startsWith("staged; delta: fetched "), lastHistory(home));
        }
    }

    @Test
    void aNestedIndexThatLies_isNotUsed_andTheFullFatJarIsDownloaded() throws Exception {
        byte[] newBytes = Files.readAllBytes(newJar);
        IndexedZip published = ZipIndexer.index(newJar);
        EntryIndex index = published.index();
        // The lie: the nested app jar's first entry renamed (one byte of its name), its objects all genuine.
        EntryIndex.Nested module = module(index);
        List<EntryIndex.Entry> entries = new ArrayList<>(module.index().entries());
        byte[] header = entries.get(0).localHeader().clone();
        header[30] ^= 1;
        entries.set(0, new EntryIndex.Entry(header, entries.get(0).data(), entries.get(0).trailer()));
        EntryIndex lyingModule = new EntryIndex(module.index().archiveSize(), module.index().archiveSha256(), null,
                entries, module.index().central(), module.index().tail(), module.index().tailPatches());
        List<EntryIndex.Nested> nested = new ArrayList<>(index.nested());
        nested.set(index.nested().indexOf(module), new EntryIndex.Nested(module.entry(), lyingModule));
        EntryIndex lying = new EntryIndex(index.archiveSize(), index.archiveSha256(), index.prefix(), index.entries(),
                index.central(), index.tail(), index.tailPatches(), nested);

        try (TestChannel channel = TestChannel.start(dir.resolve("channel"))) {
            Path objects = Files.createDirectories(channel.dir().resolve("objects"));
            ChunkedIndex.Written written = ChunkedIndex.write(lying);
            for (int i = 0; i < written.storedChunks().size(); i++) {
                Files.write(objects.resolve(written.index().chunks().get(i).object().sha256().hex()),
                        written.storedChunks().get(i));
            }
            LocalObjects source = new LocalObjects(List.of(published), null);
            for (ObjectRef ref : index.allObjects()) {
                try (InputStream in = source.open(ref)) {
                    Files.write(objects.resolve(ref.sha256().hex()), in.readNBytes((int) ref.size()));
                }
            }
            Manifest manifest = channel.publishIndexed("1.1.0", newBytes, written.top());
            UpdateHome home = new UpdateHome(Files.createDirectories(dir.resolve("home")));

            List<String> events = stage(channel, manifest, oldJar, home);

            assertArrayEquals(newBytes, Files.readAllBytes(home.release("1.1.0").resolve("app.jar")));
            assertEquals(List.of("refused DELTA_REBUILD_FAILED"), events);
            assertEquals(1, channel.requests("/" + TestChannel.artifactPath("1.1.0")), "the whole fat jar instead");
            assertTrue(lastHistory(home).startsWith("staged; full download, the delta was not used: The nested jar "
                    + MODULE + " rebuilt from its entries is not the one the index names: The rebuilt artifact is "),
                    lastHistory(home));
        }
    }
}
