package dev.updater.core.delta;

import dev.updater.core.UpdaterException;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static dev.updater.core.delta.HeaderFields.u16;
import static dev.updater.core.delta.IndexCodec.invalid;

/**
 * The nested zips' section of a version 3 index body (docs/deltas.md): after the archive's own part,
 * the count of nested zips, then per nested zip the number of its STORED entry and the own part of its
 * index, length-prefixed. A nested zip's index has the layout of the archive's own part and describes
 * the entry's object (its size and SHA-256), so a nested zip that changed in one class is rebuilt from
 * the nested entries the client has and the one it fetches.
 */
final class NestedZips {
    private NestedZips() {
    }

    static void encode(List<EntryIndex.Nested> nested, IndexBody.Out out) {
        out.varint(nested.size());
        for (EntryIndex.Nested zip : nested) {
            out.varint(zip.entry());
            IndexBody.Out inner = new IndexBody.Out();
            IndexBody.encodeOwn(zip.index(), inner);
            out.bytes(inner.toByteArray());
        }
    }

    /**
     * Reads the nested zips' section. Threat: a hostile index hiding work in nested zips; the same bounds
     * hold as for the archive (at most {@link ZipIndexer#MAX_NESTED} nested zips, {@link
     * ZipIndexer#MAX_ENTRIES} entries in all, each a STORED entry named once, in order), and each nested
     * index must add up to exactly its entry's object, whose SHA-256 the rebuild of the nested zip must give.
     */
    static EntryIndex decode(EntryIndex index, ByteBuffer in) throws UpdaterException {
        long count = IndexBody.varint(in);
        if (count < 1 || count > Math.min(ZipIndexer.MAX_NESTED, index.entries().size())) {
            throw invalid("it lists " + count + " nested zips (1 to " + Math.min(ZipIndexer.MAX_NESTED,
                    index.entries().size()) + " allowed)");
        }
        int entriesLeft = ZipIndexer.MAX_ENTRIES - index.entries().size();
        List<EntryIndex.Nested> nested = new ArrayList<>((int) count);
        long previous = -1;
        for (int i = 0; i < count; i++) {
            long entry = IndexBody.varint(in);
            if (entry <= previous || entry >= index.entries().size()
                    || u16(index.entries().get((int) entry).localHeader(), 8) != 0) {
                throw invalid("nested zip " + i + " names entry " + entry + ", which is out of range, out of order"
                        + " or not STORED");
            }
            previous = entry;
            ObjectRef data = index.entries().get((int) entry).data();
            byte[] inner = IndexBody.bytes(in, 1, in.remaining(), "nested zip " + i);
            ByteBuffer innerIn = ByteBuffer.wrap(inner);
            EntryIndex innerIndex = IndexBody.parse(innerIn, data.size(), data.sha256(), entriesLeft);
            if (innerIn.hasRemaining()) {
                throw invalid("nested zip " + i + " has " + innerIn.remaining() + " bytes after its last field");
            }
            entriesLeft -= innerIndex.entries().size();
            nested.add(new EntryIndex.Nested((int) entry, innerIndex));
        }
        return new EntryIndex(index.archiveSize(), index.archiveSha256(), index.prefix(), index.entries(),
                index.central(), index.tail(), index.tailPatches(), nested);
    }
}
