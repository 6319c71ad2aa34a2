package dev.updater.core.delta;

import dev.updater.core.Sha256;
import dev.updater.core.UpdaterException;

import java.io.ByteArrayOutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static dev.updater.core.delta.HeaderFields.CENTRAL_TIME_AT;
import static dev.updater.core.delta.HeaderFields.LOCAL_TIME_AT;
import static dev.updater.core.delta.HeaderFields.cutVolatile;
import static dev.updater.core.delta.HeaderFields.length;
import static dev.updater.core.delta.HeaderFields.paste;
import static dev.updater.core.delta.HeaderFields.predicted;
import static dev.updater.core.delta.HeaderFields.putU32;
import static dev.updater.core.delta.HeaderFields.repeatsLocal;
import static dev.updater.core.delta.HeaderFields.u16;
import static dev.updater.core.delta.HeaderFields.volatileRanges;
import static dev.updater.core.delta.HeaderFields.xorDosTime;
import static dev.updater.core.delta.IndexCodec.invalid;

/**
 * The body of a version 2 index (docs/deltas.md), laid out so that it stays the same from one build
 * to the next wherever the archive did: everything a build changes on every entry (the DOS time and
 * date, the timestamps of the {@code UT} and NTFS extra fields) is cut out of the headers and stored
 * together at the end, so a rebuild with new timestamps changes only that last stretch; each central
 * record sits beside its entry and, when it repeats its local header (the usual case), is stored as
 * the few fields it adds. The body is split into content-defined chunks by {@link ChunkedIndex}, so
 * an unchanged stretch is an unchanged chunk.
 *
 * <p>{@link #decode} treats the bytes as hostile: every count and length is bounded, the central
 * order must name each entry once, the volatile stream must have exactly the bytes the headers need,
 * and the pieces must add up to the archive's size.
 */
final class IndexBody {
    private IndexBody() {
    }

    /**
     * The body: the archive's own part, then, when it has nested zips (a version 3 index), per nested zip
     * its entry number and the own part of its index, length-prefixed.
     */
    static byte[] encode(EntryIndex index) {
        Out out = new Out();
        encodeOwn(index, out);
        if (!index.nested().isEmpty()) {
            NestedZips.encode(index.nested(), out);
        }
        return out.toByteArray();
    }

    static void encodeOwn(EntryIndex index, Out out) {
        Out volatiles = new Out();
        out.write(index.prefix() != null ? 1 : 0);
        if (index.prefix() != null) {
            out.ref(index.prefix());
        }
        int count = index.entries().size();
        EntryIndex.CentralRecord[] byEntry = new EntryIndex.CentralRecord[count];
        boolean fileOrder = true;
        for (int i = 0; i < index.central().size(); i++) {
            EntryIndex.CentralRecord record = index.central().get(i);
            byEntry[record.entry()] = record;
            fileOrder &= record.entry() == i;
        }
        out.varint(count);
        for (int i = 0; i < count; i++) {
            EntryIndex.Entry entry = index.entries().get(i);
            byte[] local = entry.localHeader().clone();
            byte[] localTimes = cutVolatile(local, LOCAL_TIME_AT, 30 + u16(local, 26), u16(local, 28));
            out.bytes(local);
            out.ref(entry.data());
            out.bytes(entry.trailer());
            EntryIndex.CentralRecord record = byEntry[i];
            byte[] raw = record.raw().clone();
            int nameLength = u16(raw, 28);
            byte[] centralTimes = cutVolatile(raw, CENTRAL_TIME_AT, 46 + nameLength, u16(raw, 30));
            xorDosTime(centralTimes, localTimes);
            volatiles.write(localTimes, 0, localTimes.length);
            volatiles.write(centralTimes, 0, centralTimes.length);
            if (repeatsLocal(raw, local, entry.trailer())) {
                out.write(1);
                out.write(raw, 4, 2);
                out.write(raw, 30, 16);
                out.bytes(Arrays.copyOfRange(raw, 46 + nameLength, raw.length));
            } else {
                out.write(0);
                out.bytes(raw);
            }
            out.varint(record.offsetAt());
            out.write(record.offsetWidth());
        }
        out.write(fileOrder ? 0 : 1);
        if (!fileOrder) {
            index.central().forEach(record -> out.varint(record.entry()));
        }
        out.bytes(index.tail());
        out.write(index.tailPatches().size());
        for (EntryIndex.Patch patch : index.tailPatches()) {
            out.varint(patch.at());
            out.write(patch.width());
            out.write(patch.kind().ordinal());
            out.varint(patch.tailPosition());
        }
        out.bytes(volatiles.toByteArray());
    }

    /** @param nested whether the body has the nested zips' section (a version 3 index) */
    static EntryIndex decode(byte[] body, long archiveSize, Sha256 archiveSha, boolean nested) throws UpdaterException {
        ByteBuffer in = ByteBuffer.wrap(body);
        try {
            EntryIndex index = parse(in, archiveSize, archiveSha, ZipIndexer.MAX_ENTRIES);
            if (nested) {
                index = NestedZips.decode(index, in);
            }
            if (in.hasRemaining()) {
                throw invalid(in.remaining() + " bytes follow its last field");
            }
            return index;
        } catch (BufferUnderflowException e) {
            throw invalid("it is cut short");
        }
    }

    static EntryIndex parse(ByteBuffer in, long archiveSize, Sha256 archiveSha, int maxEntries)
            throws UpdaterException {
        ObjectRef prefix = in.get() != 0 ? readRef(in, archiveSize) : null;
        long total = prefix == null ? 0 : prefix.size();
        long count = varint(in);
        if (count > maxEntries) {
            throw invalid("it lists " + count + " entries, more than the " + maxEntries + " allowed"
                    + (maxEntries < ZipIndexer.MAX_ENTRIES ? " (" + ZipIndexer.MAX_ENTRIES + " in all nested zips)" : ""));
        }
        int n = (int) count;
        List<EntryIndex.Entry> entries = new ArrayList<>(Math.min(n, in.remaining() / 40));
        List<byte[]> centralRaw = new ArrayList<>(Math.min(n, in.remaining() / 40));
        int[] offsetAt = new int[n];
        int[] offsetWidth = new int[n];
        for (int i = 0; i < n; i++) {
            byte[] local = bytes(in, 30, 30 + 2 * 0xFFFF, "local header " + i);
            ObjectRef data = readRef(in, archiveSize);
            byte[] trailer = bytes(in, 0, ZipIndexer.MAX_TRAILER, "trailer " + i);
            entries.add(new EntryIndex.Entry(local, data, trailer));
            int form = in.get();
            byte[] raw;
            if (form == 1) {
                raw = centralFromLocal(in, local, trailer, i);
            } else if (form == 0) {
                raw = bytes(in, 46, 46 + 3 * 0xFFFF, "central record " + i);
            } else {
                throw invalid("central record " + i + " has form " + form + ", not 0 or 1");
            }
            centralRaw.add(raw);
            offsetAt[i] = (int) Math.min(varint(in), Integer.MAX_VALUE);
            offsetWidth[i] = in.get();
            if ((offsetWidth[i] != 4 && offsetWidth[i] != 8) || offsetAt[i] > raw.length - offsetWidth[i]) {
                throw invalid("central record " + i + " has its offset field at " + offsetAt[i] + " ("
                        + offsetWidth[i] + " bytes), outside its " + raw.length + " bytes");
            }
            total += local.length + data.size() + trailer.length + raw.length;
            if (total > archiveSize) {
                throw invalid("its entries add up to more than the archive's " + archiveSize + " bytes");
            }
        }
        int[] order = centralOrder(in, n);
        byte[] tail = bytes(in, 22, ZipIndexer.MAX_TAIL, "tail");
        List<EntryIndex.Patch> patches = patches(in, tail.length);
        total += tail.length;
        if (total != archiveSize) {
            throw invalid("its pieces add up to " + total + " bytes, not the archive's " + archiveSize);
        }
        fillVolatile(bytes(in, 0, in.remaining(), "volatile stream"), entries, centralRaw);
        List<EntryIndex.CentralRecord> central = new ArrayList<>(n);
        for (int entry : order) {
            central.add(new EntryIndex.CentralRecord(entry, centralRaw.get(entry), offsetAt[entry], offsetWidth[entry]));
        }
        return new EntryIndex(archiveSize, archiveSha, prefix, entries, central, tail, patches);
    }

    /** A central record stored as the fields it adds to its local header: made-by, 30..46, extra and comment. */
    private static byte[] centralFromLocal(ByteBuffer in, byte[] local, byte[] trailer, int i) throws UpdaterException {
        byte[] madeBy = new byte[2];
        in.get(madeBy);
        byte[] fields = new byte[16];
        in.get(fields);
        byte[] rest = bytes(in, 0, 2 * 0xFFFF, "central record " + i);
        int nameLength = u16(local, 26);
        if (local.length < 30 + nameLength) {
            throw invalid("local header " + i + " names " + nameLength + " bytes of name in " + local.length + " bytes");
        }
        if (u16(fields, 0) + u16(fields, 2) != rest.length) {
            throw invalid("central record " + i + " declares " + (u16(fields, 0) + u16(fields, 2))
                    + " bytes of extra field and comment but holds " + rest.length);
        }
        byte[] raw = new byte[46 + nameLength + rest.length];
        putU32(raw, 0, 0x02014b50);
        System.arraycopy(madeBy, 0, raw, 4, 2);
        System.arraycopy(predicted(local, trailer), 0, raw, 6, 24);
        System.arraycopy(fields, 0, raw, 30, 16);
        System.arraycopy(local, 30, raw, 46, nameLength);
        System.arraycopy(rest, 0, raw, 46 + nameLength, rest.length);
        return raw;
    }

    private static int[] centralOrder(ByteBuffer in, int n) throws UpdaterException {
        int[] order = new int[n];
        int kind = in.get();
        if (kind == 0) {
            Arrays.setAll(order, i -> i);
            return order;
        }
        if (kind != 1) {
            throw invalid("its central order has kind " + kind + ", not 0 or 1");
        }
        boolean[] named = new boolean[n];
        for (int i = 0; i < n; i++) {
            long entry = varint(in);
            if (entry >= n || named[(int) entry]) {
                throw invalid("central record " + i + " names entry " + entry + ", which is out of range or named twice");
            }
            named[(int) entry] = true;
            order[i] = (int) entry;
        }
        return order;
    }

    private static List<EntryIndex.Patch> patches(ByteBuffer in, int tailLength) throws UpdaterException {
        int count = in.get();
        if (count < 0 || count > 3) {
            throw invalid("it has " + count + " offset fields in its tail, at most 3 are possible");
        }
        List<EntryIndex.Patch> patches = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long at = varint(in);
            int width = in.get();
            int kind = in.get();
            long position = varint(in);
            if ((width != 4 && width != 8) || at > tailLength - width || kind < 0 || kind > 1 || position >= tailLength) {
                throw invalid("tail offset field " + i + " (at " + at + ", " + width + " bytes, kind " + kind
                        + ") lies outside the tail of " + tailLength + " bytes");
            }
            patches.add(new EntryIndex.Patch((int) at, width, EntryIndex.Patch.Kind.values()[kind], (int) position));
        }
        return patches;
    }

    /** Puts the volatile bytes back, in the order {@link #encode} cut them out; the stream must fit exactly. */
    private static void fillVolatile(byte[] stream, List<EntryIndex.Entry> entries, List<byte[]> central)
            throws UpdaterException {
        int at = 0;
        for (int i = 0; i < entries.size(); i++) {
            byte[] local = entries.get(i).localHeader();
            byte[] raw = central.get(i);
            List<int[]> localRanges = volatileRanges(local, LOCAL_TIME_AT, 30 + u16(local, 26), u16(local, 28));
            List<int[]> centralRanges = volatileRanges(raw, CENTRAL_TIME_AT, 46 + u16(raw, 28), u16(raw, 30));
            int localLength = length(localRanges);
            int centralLength = length(centralRanges);
            if (stream.length - at < localLength + centralLength) {
                throw invalid("its volatile stream ends at entry " + i + " of " + entries.size());
            }
            byte[] localTimes = Arrays.copyOfRange(stream, at, at + localLength);
            byte[] centralTimes = Arrays.copyOfRange(stream, at + localLength, at + localLength + centralLength);
            xorDosTime(centralTimes, localTimes);
            paste(local, localRanges, localTimes);
            paste(raw, centralRanges, centralTimes);
            at += localLength + centralLength;
        }
        if (at != stream.length) {
            throw invalid("its volatile stream has " + (stream.length - at) + " bytes more than its headers take");
        }
    }

    private static ObjectRef readRef(ByteBuffer in, long archiveSize) throws UpdaterException {
        byte[] digest = new byte[32];
        in.get(digest);
        long size = varint(in);
        if (size > archiveSize) {
            throw invalid("object " + Sha256.of(digest) + " claims " + size + " bytes, more than the archive's "
                    + archiveSize);
        }
        return new ObjectRef(Sha256.of(digest), size);
    }

    static byte[] bytes(ByteBuffer in, int min, int max, String what) throws UpdaterException {
        long length = varint(in);
        if (length < min || length > max || length > in.remaining()) {
            throw invalid("its " + what + " claims " + length + " bytes (allowed " + min + " to " + max + ", "
                    + in.remaining() + " left)");
        }
        byte[] bytes = new byte[(int) length];
        in.get(bytes);
        return bytes;
    }

    /** An unsigned LEB128 number of at most 9 bytes (63 bits): never negative. */
    static long varint(ByteBuffer in) throws UpdaterException {
        long value = 0;
        for (int shift = 0; shift < 63; shift += 7) {
            int b = in.get();
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw invalid("it holds a number longer than 9 bytes");
    }

    static final class Out extends ByteArrayOutputStream {
        Out() {
            super(1 << 16);
        }

        void varint(long value) {
            while ((value & ~0x7FL) != 0) {
                write((int) (value & 0x7F) | 0x80);
                value >>>= 7;
            }
            write((int) value);
        }

        void bytes(byte[] bytes) {
            varint(bytes.length);
            write(bytes, 0, bytes.length);
        }

        void ref(ObjectRef ref) {
            write(java.util.HexFormat.of().parseHex(ref.sha256().hex()), 0, 32);
            varint(ref.size());
        }
    }
}
