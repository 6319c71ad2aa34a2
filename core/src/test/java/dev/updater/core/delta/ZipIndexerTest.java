package dev.updater.core.delta;

import dev.updater.core.ErrorCode;
import dev.updater.core.Sha256;
import dev.updater.core.UpdaterException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ZipIndexerTest {
    @TempDir
    Path dir;

    /** STORED and DEFLATED entries, data descriptors, extra fields, entry and archive comments, a directory. */
    static byte[] mixedZip(long time) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.setComment("archive comment");
            ZipEntry directory = new ZipEntry("META-INF/");
            directory.setTime(time);
            zip.putNextEntry(directory);
            ZipEntry deflated = new ZipEntry("META-INF/MANIFEST.MF"); // DEFLATED: sizes in a data descriptor
            deflated.setTime(time);
            deflated.setExtra(new byte[] {(byte) 0xfe, (byte) 0xca, 0, 0});
            deflated.setComment("entry comment");
            zip.putNextEntry(deflated);
            zip.write("Manifest-Version: 1.0\r\n\r\n".repeat(20).getBytes(StandardCharsets.UTF_8));
            byte[] nested = "a nested jar kept as it is".repeat(50).getBytes(StandardCharsets.UTF_8);
            ZipEntry stored = new ZipEntry("BOOT-INF/lib/nested.jar");
            stored.setMethod(ZipEntry.STORED);
            stored.setSize(nested.length);
            CRC32 crc = new CRC32();
            crc.update(nested);
            stored.setCrc(crc.getValue());
            stored.setLastModifiedTime(FileTime.fromMillis(time)); // an extended-timestamp extra field
            zip.putNextEntry(stored);
            zip.write(nested);
        }
        return bytes.toByteArray();
    }

    private Sha256 rebuild(Path original) throws Exception {
        IndexedZip zip = ZipIndexer.index(original);
        EntryIndex index = IndexCodec.read(IndexCodec.write(zip.index()), Files.size(original), Sha256.ofFile(original));
        Path rebuilt = dir.resolve("rebuilt-" + original.getFileName());
        Sha256 sha = ZipRebuilder.rebuild(index, new LocalObjects(List.of(zip), null), rebuilt,
                Sha256.ofFile(original), Files.size(original));
        assertArrayEquals(Files.readAllBytes(original), Files.readAllBytes(rebuilt));
        return sha;
    }

    @Test
    void storedDeflatedDescriptorsExtrasAndComments_rebuildByteForByte() throws Exception {
        Path zip = Files.write(dir.resolve("mixed.zip"), mixedZip(1_700_000_000_000L));
        EntryIndex index = ZipIndexer.index(zip).index();
        assertEquals(3, index.entries().size());
        assertEquals(16, index.entries().get(1).trailer().length, "the DEFLATED entry keeps its data descriptor");
        assertEquals(0, index.entries().get(2).trailer().length, "the STORED entry has none");
        assertEquals(Sha256.ofFile(zip), rebuild(zip));
    }

    @Test
    void zip64Archive_withMoreThan65535Entries_rebuildsByteForByte() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (int i = 0; i < 70_000; i++) {
                ZipEntry entry = new ZipEntry("e/" + i);
                entry.setTime(0);
                zip.putNextEntry(entry);
                zip.write(i % 7);
            }
        }
        Path zip = Files.write(dir.resolve("zip64.zip"), bytes.toByteArray());
        EntryIndex index = ZipIndexer.index(zip).index();
        assertEquals(3, index.tailPatches().size(), "zip64 end record, its locator and the end record");
        assertEquals(Sha256.ofFile(zip), rebuild(zip));
    }

    @Test
    void twoBuildsWithNewTimestamps_shareEveryDataObject() throws Exception {
        Path first = Files.write(dir.resolve("first.zip"), mixedZip(1_700_000_000_000L));
        Path second = Files.write(dir.resolve("second.zip"), mixedZip(1_800_000_000_000L));
        EntryIndex secondIndex = ZipIndexer.index(second).index();
        List<ObjectRef> missing = new LocalObjects(List.of(ZipIndexer.index(first)), null).missing(secondIndex);
        assertTrue(missing.isEmpty(), "only headers change, and they travel in the index: " + missing);
        EntryIndex rebuiltIndex = IndexCodec.read(IndexCodec.write(secondIndex), Files.size(second), Sha256.ofFile(second));
        Path rebuilt = dir.resolve("rebuilt.zip");
        ZipRebuilder.rebuild(rebuiltIndex, new LocalObjects(List.of(ZipIndexer.index(first)), null), rebuilt,
                Sha256.ofFile(second), Files.size(second));
        assertArrayEquals(Files.readAllBytes(second), Files.readAllBytes(rebuilt));
    }

    @Test
    void aFileThatIsNotAZip_isRefused() throws Exception {
        Path text = Files.writeString(dir.resolve("app.bin"), "#!/bin/sh\necho not a zip\n".repeat(3));
        UpdaterException e = assertThrows(UpdaterException.class, () -> ZipIndexer.index(text));
        assertEquals(ErrorCode.ZIP_UNINDEXABLE, e.code());
        assertEquals("Cannot index " + text + " for delta downloads: it has no end-of-central-directory record: it is"
                + " not a zip. It is published and downloaded whole.", e.getMessage());
    }

    @Test
    void twoCentralRecordsPointingAtOneEntry_areRefused() throws Exception {
        byte[] zip = mixedZip(0);
        ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        int end = zip.length - 22 - "archive comment".length();
        int central = b.getInt(end + 16);
        int second = central + 46 + (b.getShort(central + 28) + b.getShort(central + 30) + b.getShort(central + 32));
        b.putInt(second + 42, 0); // the MANIFEST.MF record now claims the first entry's local header
        Path file = Files.write(dir.resolve("shared.zip"), zip);
        UpdaterException e = assertThrows(UpdaterException.class, () -> ZipIndexer.index(file));
        assertEquals(ErrorCode.ZIP_UNINDEXABLE, e.code());
        assertEquals("Cannot index " + file + " for delta downloads: two central records point at the same entry at 0."
                + " It is published and downloaded whole.", e.getMessage());
    }

    @Test
    void anEntryWhoseDataOverlapsTheNext_isRefused() throws Exception {
        byte[] zip = mixedZip(0);
        ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        int end = zip.length - 22 - "archive comment".length();
        int central = b.getInt(end + 16);
        int second = central + 46 + (b.getShort(central + 28) + b.getShort(central + 30) + b.getShort(central + 32));
        long local = b.getInt(second + 42);
        b.putInt(second + 20, zip.length - 100); // compressed size: past the next entry, a bomb's overlapping data
        Path file = Files.write(dir.resolve("overlap.zip"), zip);
        UpdaterException e = assertThrows(UpdaterException.class, () -> ZipIndexer.index(file));
        assertEquals(ErrorCode.ZIP_UNINDEXABLE, e.code());
        assertTrue(e.getMessage().startsWith("Cannot index " + file + " for delta downloads: entry at " + local
                + " (" + (zip.length - 100) + " bytes of data) overlaps the next entry or the central directory at "), e.getMessage());
    }

    @Test
    void anOffsetPastTheCentralDirectory_isRefused() throws Exception {
        byte[] zip = mixedZip(0);
        ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        int end = zip.length - 22 - "archive comment".length();
        int central = b.getInt(end + 16);
        b.putInt(central + 42, 0x7fff0000);
        Path file = Files.write(dir.resolve("offset.zip"), zip);
        UpdaterException e = assertThrows(UpdaterException.class, () -> ZipIndexer.index(file));
        assertEquals("Cannot index " + file + " for delta downloads: central record 0 points at 2147418112 with 2 bytes"
                + " of data, outside the entries before the central directory at " + central
                + ". It is published and downloaded whole.", e.getMessage());
    }
}
