package dev.updater.core.delta;

import dev.updater.core.Sha256;

import java.util.List;
import java.util.Objects;

/**
 * Everything needed to write one zip archive byte for byte, except the entries' data, which is named
 * by content ({@link ObjectRef}). Offsets are left out of the stored records: the rebuild writes
 * them from where each piece lands, so an entry that did not change is stored identically in the
 * index of every version. See docs/deltas.md for the layout.
 *
 * @param archiveSize   the archive's exact size
 * @param archiveSha256 the archive's SHA-256, which the rebuild must reproduce
 * @param prefix        the bytes before the first entry (a launch script), or null when there are none
 * @param entries       the entries in the order their local headers appear in the file
 * @param central       the central directory's records, in their own order
 * @param tail          the bytes after the central directory (zip64 records, end record, comment, anything after)
 * @param tailPatches   the offset fields of the tail that the rebuild fills in
 * @param nested        the STORED entries that are zips themselves (Spring Boot's {@code BOOT-INF/lib/*.jar}),
 *                      each with the index of its own entries, in entry order; one level only
 */
public record EntryIndex(long archiveSize, Sha256 archiveSha256, ObjectRef prefix, List<Entry> entries,
                         List<CentralRecord> central, byte[] tail, List<Patch> tailPatches, List<Nested> nested) {
    public EntryIndex {
        Objects.requireNonNull(archiveSha256, "archiveSha256");
        entries = List.copyOf(entries);
        central = List.copyOf(central);
        Objects.requireNonNull(tail, "tail");
        tailPatches = List.copyOf(tailPatches);
        nested = List.copyOf(nested);
    }

    /** An index without nested zips (a version 1 index, or a zip whose STORED entries are not zips). */
    public EntryIndex(long archiveSize, Sha256 archiveSha256, ObjectRef prefix, List<Entry> entries,
                      List<CentralRecord> central, byte[] tail, List<Patch> tailPatches) {
        this(archiveSize, archiveSha256, prefix, entries, central, tail, tailPatches, List.of());
    }

    /**
     * Every object a channel stores for this archive: {@link #objects()}, then the objects of each nested
     * zip's entries (duplicates included). A client needs a nested zip's own object or its entries' objects.
     */
    public List<ObjectRef> allObjects() {
        java.util.ArrayList<ObjectRef> all = new java.util.ArrayList<>(objects());
        nested.forEach(inner -> all.addAll(inner.index().objects()));
        return all;
    }

    /** Every object this archive is made of, prefix first, in file order (duplicates included). */
    public List<ObjectRef> objects() {
        java.util.ArrayList<ObjectRef> all = new java.util.ArrayList<>(entries.size() + 1);
        if (prefix != null) {
            all.add(prefix);
        }
        for (Entry entry : entries) {
            all.add(entry.data());
        }
        return all;
    }

    /**
     * One entry as it sits in the file: its raw local header, its data (by content) and the raw bytes
     * after the data up to the next entry (the data descriptor, if any, and any gap).
     */
    public record Entry(byte[] localHeader, ObjectRef data, byte[] trailer) {
        public Entry {
            Objects.requireNonNull(localHeader, "localHeader");
            Objects.requireNonNull(data, "data");
            Objects.requireNonNull(trailer, "trailer");
        }

        long length() {
            return localHeader.length + data.size() + trailer.length;
        }
    }

    /**
     * One central-directory record, raw, with its local-header offset field zeroed: the rebuild writes
     * the offset of entry {@code entry} there, in {@code offsetWidth} bytes (4, or 8 in a zip64 extra).
     */
    public record CentralRecord(int entry, byte[] raw, int offsetAt, int offsetWidth) {
        public CentralRecord {
            Objects.requireNonNull(raw, "raw");
        }
    }

    /**
     * An offset field of the tail: {@code width} bytes at {@code at} receive the start of the central
     * directory ({@link Kind#CENTRAL_START}) or the absolute position of tail byte {@code tailPosition}
     * ({@link Kind#TAIL_POSITION}, the zip64 locator pointing at the zip64 end record).
     */
    public record Patch(int at, int width, Kind kind, int tailPosition) {
        public enum Kind { CENTRAL_START, TAIL_POSITION }

        public Patch {
            Objects.requireNonNull(kind, "kind");
        }
    }

    /**
     * A STORED entry whose data is a zip: {@code index} describes that data (its archive size and SHA-256
     * are the entry's object's), so the client may rebuild the object from the nested entries it has
     * and fetch only the ones that changed, instead of fetching the whole nested zip.
     */
    public record Nested(int entry, EntryIndex index) {
        public Nested {
            Objects.requireNonNull(index, "index");
            if (!index.nested().isEmpty()) {
                throw new IllegalArgumentException("A nested zip's index cannot nest further (one level only)");
            }
        }
    }
}
