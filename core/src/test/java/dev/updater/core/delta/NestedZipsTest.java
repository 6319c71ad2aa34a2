package dev.updater.core.delta;

import dev.updater.core.ErrorCode;
import dev.updater.core.Sha256;
import dev.updater.core.UpdaterException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The nested zips of an entry index (version 3): which STORED entries are synced inside, how the index
 * stays readable by older agents or is refused by them, and the hostile nested sections that are refused.
 */
class NestedZipsTest {
    private static final String FALLBACK = ". The full artifact is downloaded instead.";

    @TempDir
    Path dir;

    /** A fat jar: a DEFLATED entry, then {@code nested} STORED as {@code BOOT-INF/lib/app.jar}, as Spring Boot nests a jar. */
    static byte[] fatJar(byte[] nested) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            ZipEntry text = new ZipEntry("BOOT-INF/classes/app.properties");
            text.setTime(0);
            zip.putNextEntry(text);
            zip.write("name=app\n".getBytes(StandardCharsets.UTF_8));
            ZipEntry jar = new ZipEntry("BOOT-INF/lib/app.jar");
            jar.setMethod(ZipEntry.STORED);
            jar.setSize(nested.length);
            jar.setCompressedSize(nested.length);
            CRC32 crc = new CRC32();
            crc.update(nested);
            jar.setCrc(crc.getValue());
            jar.setTime(0);
            zip.putNextEntry(jar);
            zip.write(nested);
        }
        return bytes.toByteArray();
    }

    private EntryIndex index(byte[] zip) throws Exception {
        return ZipIndexer.index(Files.write(dir.resolve("z" + System.nanoTime() + ".jar"), zip)).index();
    }

    private static EntryIndex read(ChunkedIndex.Written written, long size, Sha256 sha) throws Exception {
        Map<Sha256, byte[]> chunks = new HashMap<>();
        for (int i = 0; i < written.storedChunks().size(); i++) {
            chunks.put(written.index().chunks().get(i).object().sha256(), written.storedChunks().get(i));
        }
        return ChunkedIndex.read(written.top(), size, sha).assemble(ref -> chunks.get(ref.sha256()));
    }

    @Test
    void aStoredJar_isIndexedInside_andTheIndexIsVersion3_whileAJarWithoutOne_keepsVersion2() throws Exception {
        byte[] inner = DeltaDownloadTest.jar(false);
        byte[] fat = fatJar(inner);

        EntryIndex index = index(fat);

        assertEquals(1, index.nested().size());
        assertEquals(1, index.nested().get(0).entry(), "the STORED jar, not the DEFLATED text");
        assertEquals(300, index.nested().get(0).index().entries().size());
        assertEquals(Sha256.ofBytes(inner), index.nested().get(0).index().archiveSha256());
        ChunkedIndex.Written written = ChunkedIndex.write(index);
        assertEquals("UPDZIDX3", new String(written.top(), 0, 8, StandardCharsets.US_ASCII));
        EntryIndex read = read(written, fat.length, Sha256.ofBytes(fat));
        assertEquals(300, read.nested().get(0).index().entries().size());
        assertArrayEquals(IndexBody.encode(index), IndexBody.encode(read), "read back as written");
        assertEquals("UPDZIDX2", new String(ChunkedIndex.write(index(inner)).top(), 0, 8, StandardCharsets.US_ASCII),
                "a jar with no nested jar keeps the version agents of version 2 read");
    }

    @Test
    void anAgentThatKnowsVersion2Only_refusesAVersion3Index_andDownloadsTheWhole() throws Exception {
        byte[] fat = fatJar(DeltaDownloadTest.jar(false));
        byte[] top = ChunkedIndex.write(index(fat)).top();

        // What a version 2 agent does: not UPDZIDX2, so it reads a version 1 index, which this is not.
        UpdaterException e = assertThrows(UpdaterException.class, () -> IndexCodec.read(top, fat.length, Sha256.ofBytes(fat)));

        assertEquals(ErrorCode.DELTA_INDEX_INVALID, e.code());
        assertEquals("The entry index is refused: it does not start with UPDZIDX1" + FALLBACK, e.getMessage());
    }

    @Test
    void aStoredJarThatIsNotAZipWeAccept_staysOneObject_andTheFatJarStillRebuildsExactly() throws Exception {
        byte[] inner = DeltaDownloadTest.jar(false);
        // Its end record says its central directory starts one byte later than it does.
        int end = inner.length - 22;
        inner[end + 16]++;
        Path fat = Files.write(dir.resolve("hostile-nested.jar"), fatJar(inner));

        assertEquals(List.of(), ZipIndexer.index(fat).index().nested());
        ZipRoundTripTest.Delta delta = ZipRoundTripTest.roundTrip(dir, Files.write(dir.resolve("old.jar"),
                fatJar(DeltaDownloadTest.jar(false))), fat);
        assertEquals(1, delta.objects(), "the nested jar is fetched whole: " + delta);
        assertEquals(inner.length, delta.objectBytes());
    }

    /** {@code zip} after {@code prefix} (a launch script), its offsets moved by the prefix's length, as a zip tool writes it. */
    private static byte[] prefixed(byte[] prefix, byte[] zip) {
        java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(prefix.length + zip.length)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN).put(prefix).put(zip);
        int end = out.capacity() - 22;
        int count = out.getShort(end + 10) & 0xFFFF;
        int at = prefix.length + out.getInt(end + 16);
        out.putInt(end + 16, at);
        for (int i = 0; i < count; i++) {
            out.putInt(at + 42, out.getInt(at + 42) + prefix.length);
            at += 46 + (out.getShort(at + 28) & 0xFFFF) + (out.getShort(at + 30) & 0xFFFF) + (out.getShort(at + 32) & 0xFFFF);
        }
        return out.array();
    }

    @Test
    void aNestedJarThatDoesNotStartWithAnEntry_staysOneObject_andTheFatJarStillRebuildsExactly() throws Exception {
        // A launch script before the nested jar's first entry: only STORED entries starting with a local header are synced inside.
        byte[] script = "#!/bin/sh\nexec java -jar \"$0\" \"$@\"\n".getBytes(StandardCharsets.US_ASCII);
        byte[] inner = prefixed(script, DeltaDownloadTest.jar(true));
        Path oldJar = Files.write(dir.resolve("old.jar"), fatJar(prefixed(script, DeltaDownloadTest.jar(false))));
        Path newJar = Files.write(dir.resolve("new.jar"), fatJar(inner));
        assertEquals(script.length, ZipIndexer.index(Files.write(dir.resolve("inner.jar"), inner)).index().prefix().size(),
                "a zip of its own, with its script as its prefix");
        assertEquals(List.of(), ZipIndexer.index(newJar).index().nested());

        ZipRoundTripTest.Delta delta = ZipRoundTripTest.roundTrip(dir, oldJar, newJar);

        assertEquals(0, delta.nestedRebuilt(), delta.toString());
        assertEquals(1, delta.objects(), "the nested jar, whole: " + delta);
        assertEquals(inner.length, delta.objectBytes());
    }

    /** The body of {@code index} with {@code section} in place of its nested section. */
    private static byte[] withSection(EntryIndex index, byte[] section) {
        IndexBody.Out out = new IndexBody.Out();
        IndexBody.encodeOwn(index, out);
        out.write(section, 0, section.length);
        return out.toByteArray();
    }

    private static byte[] section(long count, long entry, byte[] body) {
        IndexBody.Out out = new IndexBody.Out();
        out.varint(count);
        out.varint(entry);
        out.bytes(body);
        return out.toByteArray();
    }

    private String refusal(EntryIndex index, byte[] body) {
        ChunkedIndex.Written written = ChunkedIndex.ofBody(body, index.archiveSize(), index.archiveSha256(), true);
        UpdaterException e = assertThrows(UpdaterException.class, () -> read(written, index.archiveSize(),
                index.archiveSha256()));
        assertEquals(ErrorCode.DELTA_INDEX_INVALID, e.code());
        assertTrue(e.getMessage().endsWith(FALLBACK), e.getMessage());
        return e.getMessage().substring("The entry index is refused: ".length(), e.getMessage().length() - FALLBACK.length());
    }

    @Test
    void hostileNestedSections_areRefused_beforeAnyObjectIsFetched() throws Exception {
        EntryIndex index = index(fatJar(DeltaDownloadTest.jar(false)));
        IndexBody.Out inner = new IndexBody.Out();
        IndexBody.encodeOwn(index.nested().get(0).index(), inner);
        byte[] innerBody = inner.toByteArray();

        assertEquals("it lists 0 nested zips (1 to 2 allowed)", refusal(index, withSection(index, section(0, 1, innerBody))));
        assertEquals("it lists 3 nested zips (1 to 2 allowed)", refusal(index, withSection(index, section(3, 1, innerBody))));
        assertEquals("nested zip 0 names entry 0, which is out of range, out of order or not STORED",
                refusal(index, withSection(index, section(1, 0, innerBody))), "entry 0 is DEFLATED");
        assertEquals("nested zip 0 names entry 7, which is out of range, out of order or not STORED",
                refusal(index, withSection(index, section(1, 7, innerBody))));

        // An index pointing at 10^6 tiny objects, hidden in a nested zip: refused on its count, before any allocation.
        IndexBody.Out bomb = new IndexBody.Out();
        bomb.write(0);
        bomb.varint(1_000_000);
        assertEquals("it lists 1000000 entries, more than the 199998 allowed (200000 in all nested zips)",
                refusal(index, withSection(index, section(1, 1, bomb.toByteArray()))));

        // A nested index that does not add up to its entry's object (one byte more in its tail).
        EntryIndex nested = index.nested().get(0).index();
        byte[] longer = IndexBody.encode(new EntryIndex(nested.archiveSize(), nested.archiveSha256(), null,
                nested.entries(), nested.central(), java.util.Arrays.copyOf(nested.tail(), nested.tail().length + 1),
                nested.tailPatches()));
        assertEquals("its pieces add up to " + (nested.archiveSize() + 1) + " bytes, not the archive's "
                + nested.archiveSize(), refusal(index, withSection(index, section(1, 1, longer))),
                "a nested index must describe exactly its entry's bytes");
    }
}
