package dev.updater.core.download;

import dev.updater.core.UpdaterException;

/**
 * Events of one download, called on the thread that called {@link Downloader#download}. Progress is
 * reported at most a few times per second, not per network chunk, so a listener may render a
 * progress bar or log without throttling. Every method has an empty default.
 */
public interface DownloadListener {
    /** Ignores every event. */
    DownloadListener NONE = new DownloadListener() {
    };

    /**
     * How far the download is. {@code bytesDone} never exceeds {@code totalBytes}; it starts at the
     * bytes already on disk when resuming and ends at {@code totalBytes} when the download succeeds.
     *
     * @param bytesPerSecond a recent transfer rate, 0 until one can be measured
     */
    default void progress(long bytesDone, long totalBytes, long bytesPerSecond) {
    }

    /** A partial download from an earlier attempt is being continued from {@code fromByte}. */
    default void resumed(long fromByte) {
    }

    /** The bytes already on disk were discarded and the download starts again from byte 0. */
    default void restarted() {
    }

    /** Attempt {@code attempt} (1-based) of {@code attempts} failed with a transient error and is retried. */
    default void retrying(int attempt, int attempts, UpdaterException reason) {
    }

    /**
     * The artifact was rebuilt from a delta (DESIGN §12) and verified: {@code bytesFetched} of its
     * {@code fullSize} bytes came over the network, in {@code objects} objects of kind {@code pieces}
     * and the index.
     */
    default void deltaUsed(long bytesFetched, long fullSize, int objects, DeltaPieces pieces) {
    }

    /** What a delta's objects are: a zip's entries, or chunks of a file that is not a zip. */
    enum DeltaPieces {
        ENTRIES("changed entry", "changed entries"),
        CHUNKS("changed chunk", "changed chunks");

        private final String one;
        private final String many;

        DeltaPieces(String one, String many) {
            this.one = one;
            this.many = many;
        }

        /** "1 changed entry", "3 changed chunks". */
        public String count(int objects) {
            return objects + " " + (objects == 1 ? one : many);
        }
    }

    /** A delta could not be used; the full artifact is downloaded instead. Reported once per download. */
    default void deltaRefused(UpdaterException reason) {
    }
}
