package dev.updater.core.archive;

import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32;

/** The streams a zip entry's data is read through: bounded to its compressed size, checked against its size and CRC. */
final class ZipData {
    private ZipData() {
    }

    /** At most {@code limit} compressed bytes, so one entry never reads into the next. */
    static final class Bounded extends InputStream {
        private final InputStream in;
        private long left;

        Bounded(InputStream in, long limit) {
            this.in = in;
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (left == 0) {
                return -1;
            }
            int n = in.read(buffer, offset, (int) Math.min(length, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }

        @Override
        public void close() {
            // the archive's channel stays open for the next entry
        }
    }

    /** Exactly the declared size and CRC: more, less or other bytes are a damaged or lying entry. */
    static final class Checked extends InputStream {
        private final InputStream in;
        private final String name;
        private final long size;
        private final long expectedCrc;
        private final CRC32 crc = new CRC32();
        private long read;

        Checked(InputStream in, String name, long size, long expectedCrc) {
            this.in = in;
            this.name = name;
            this.size = size;
            this.expectedCrc = expectedCrc;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            long left = size - read;
            int n = in.read(buffer, offset, (int) Math.min(length, Math.max(left, 1)));
            if (n < 0) {
                if (read != size) {
                    throw new DataException("entry \"" + name + "\" holds " + read + " bytes, not the "
                            + size + " it declares");
                }
                if (crc.getValue() != expectedCrc) {
                    throw new DataException("entry \"" + name + "\" fails its CRC check (the file is damaged)");
                }
                return -1;
            }
            if (left == 0) {
                throw new DataException("entry \"" + name + "\" holds more than the " + size
                        + " bytes it declares");
            }
            crc.update(buffer, offset, n);
            read += n;
            return n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /** Data that does not match its entry; the unpacker reports it as {@code ARCHIVE_MALFORMED}. */
    static final class DataException extends IOException {
        private static final long serialVersionUID = 1L;

        DataException(String message) {
            super(message);
        }
    }
}
