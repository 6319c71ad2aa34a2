package dev.updater.core.delta;

import dev.updater.core.ErrorCode;
import dev.updater.core.Sha256;
import dev.updater.core.UpdaterException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.DeflaterOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class IndexCodecTest {
    @TempDir
    Path dir;

    private static byte[] indexFile(long declared, byte[] body) throws Exception {
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.write(IndexCodec.MAGIC);
        new DataOutputStream(file).writeLong(declared);
        try (DeflaterOutputStream deflated = new DeflaterOutputStream(file)) {
            deflated.write(body);
        }
        return file.toByteArray();
    }

    private static UpdaterException refused(byte[] file, long size, Sha256 sha) {
        UpdaterException e = assertThrows(UpdaterException.class, () -> IndexCodec.read(file, size, sha));
        assertEquals(ErrorCode.DELTA_INDEX_INVALID, e.code());
        return e;
    }

    @Test
    void anIndexPointingToAMillionTinyObjects_isRefusedBeforeReadingThem() throws Exception {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(body);
        out.writeLong(1_000_000L * 100);
        out.write(new byte[32]);
        out.writeBoolean(false);
        out.writeInt(1_000_000);
        byte[] file = indexFile(body.size(), body.toByteArray());
        assertEquals("The entry index is refused: it lists 1000000 entries, more than the 200000 allowed."
                + " The full artifact is downloaded instead.", refused(file, 100_000_000, Sha256.ofBytes(new byte[0])).getMessage());
    }

    @Test
    void anIndexDeclaringATerabyteOnceInflated_isRefused() throws Exception {
        byte[] file = indexFile(1L << 40, new byte[10]);
        assertEquals("The entry index is refused: it declares 1099511627776 bytes once inflated, more than the 67108864"
                + " allowed. The full artifact is downloaded instead.", refused(file, 100, Sha256.ofBytes(new byte[0])).getMessage());
    }

    @Test
    void anIndexInflatingToMoreThanItDeclares_isRefusedAfterOneByteMore() throws Exception {
        byte[] file = indexFile(1000, new byte[50 << 20]); // 50 MiB of zeros deflate to about 50 KiB
        assertEquals("The entry index is refused: it inflates to more than 1001 bytes, not the 1000 it declares."
                + " The full artifact is downloaded instead.", refused(file, 100, Sha256.ofBytes(new byte[0])).getMessage());
    }

    @Test
    void anIndexLyingAboutAnEntrysLength_isRefused() throws Exception {
        Path zip = Files.write(dir.resolve("app.jar"), ZipIndexerTest.mixedZip(0));
        EntryIndex index = ZipIndexer.index(zip).index();
        List<EntryIndex.Entry> entries = new ArrayList<>(index.entries());
        EntryIndex.Entry first = entries.get(1);
        entries.set(1, new EntryIndex.Entry(first.localHeader(), new ObjectRef(first.data().sha256(),
                first.data().size() - 4), first.trailer()));
        byte[] lying = IndexCodec.write(new EntryIndex(index.archiveSize(), index.archiveSha256(), index.prefix(),
                entries, index.central(), index.tail(), index.tailPatches()));
        assertEquals("The entry index is refused: its pieces add up to " + (index.archiveSize() - 4)
                + " bytes, not the archive's " + index.archiveSize() + ". The full artifact is downloaded instead.",
                refused(lying, Files.size(zip), Sha256.ofFile(zip)).getMessage());
    }

    @Test
    void anIndexLyingAboutAnOffsetField_isRefused() throws Exception {
        Path zip = Files.write(dir.resolve("app.jar"), ZipIndexerTest.mixedZip(0));
        EntryIndex index = ZipIndexer.index(zip).index();
        List<EntryIndex.CentralRecord> central = new ArrayList<>(index.central());
        EntryIndex.CentralRecord record = central.get(0);
        central.set(0, new EntryIndex.CentralRecord(record.entry(), record.raw(), record.raw().length - 2, 4));
        byte[] lying = IndexCodec.write(new EntryIndex(index.archiveSize(), index.archiveSha256(), index.prefix(),
                index.entries(), central, index.tail(), index.tailPatches()));
        assertEquals("The entry index is refused: central record 0 has its offset field at " + (record.raw().length - 2)
                + " (4 bytes), outside its " + record.raw().length + " bytes. The full artifact is downloaded instead.",
                refused(lying, Files.size(zip), Sha256.ofFile(zip)).getMessage());
    }

    @Test
    void anIndexForOtherBytesThanTheManifestNames_isRefused() throws Exception {
        Path zip = Files.write(dir.resolve("app.jar"), ZipIndexerTest.mixedZip(0));
        byte[] file = IndexCodec.write(ZipIndexer.index(zip).index());
        Sha256 other = Sha256.ofBytes(new byte[] {1});
        assertEquals("The entry index is refused: it describes " + Files.size(zip) + " bytes with SHA-256 "
                + Sha256.ofFile(zip) + ", not the artifact of " + Files.size(zip) + " bytes with SHA-256 " + other
                + ". The full artifact is downloaded instead.", refused(file, Files.size(zip), other).getMessage());
    }

    @Test
    void aConsistentLieAboutWhereBytesBelong_failsTheRebuildAndLeavesNoFile() throws Exception {
        Path zip = Files.write(dir.resolve("app.jar"), ZipIndexerTest.mixedZip(0));
        IndexedZip indexed = ZipIndexer.index(zip);
        EntryIndex index = indexed.index();
        List<EntryIndex.Entry> entries = new ArrayList<>(index.entries());
        EntryIndex.Entry entry = entries.get(1);
        byte[] trailer = new byte[entry.trailer().length];
        trailer[0] = 1; // same length, other bytes: passes every bound, not the final hash
        entries.set(1, new EntryIndex.Entry(entry.localHeader(), entry.data(), trailer));
        EntryIndex lying = IndexCodec.read(IndexCodec.write(new EntryIndex(index.archiveSize(), index.archiveSha256(),
                index.prefix(), entries, index.central(), index.tail(), index.tailPatches())),
                Files.size(zip), Sha256.ofFile(zip));
        Path target = dir.resolve("rebuilt.jar");
        UpdaterException e = assertThrows(UpdaterException.class, () -> ZipRebuilder.rebuild(lying,
                new LocalObjects(List.of(indexed), null), target, Sha256.ofFile(zip), Files.size(zip)));
        assertEquals(ErrorCode.DELTA_REBUILD_FAILED, e.code());
        assertFalse(Files.exists(target), "a result that differs is deleted");
    }

    @Test
    void aFetchedObjectWhoseBytesDoNotMatchItsName_failsTheRebuildAndLeavesNoFile() throws Exception {
        Path zip = Files.write(dir.resolve("app.jar"), ZipIndexerTest.mixedZip(0));
        EntryIndex index = ZipIndexer.index(zip).index();
        Path fetched = Files.createDirectories(dir.resolve("fetched"));
        for (ObjectRef ref : index.objects()) {
            Files.write(fetched.resolve(ref.sha256().hex()), new byte[(int) ref.size()]); // right size, wrong bytes
        }
        ObjectRef first = index.objects().get(0);
        Path target = dir.resolve("rebuilt.jar");
        UpdaterException e = assertThrows(UpdaterException.class, () -> ZipRebuilder.rebuild(index,
                new LocalObjects(List.of(), fetched), target, Sha256.ofFile(zip), Files.size(zip)));
        assertEquals(ErrorCode.DELTA_REBUILD_FAILED, e.code());
        assertEquals("Object " + first.sha256() + " holds bytes with SHA-256 " + Sha256.ofBytes(new byte[(int) first.size()])
                + "; the delta is not used.", e.getMessage());
        assertFalse(Files.exists(target));
    }
}
