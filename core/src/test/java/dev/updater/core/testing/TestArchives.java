package dev.updater.core.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Test only: zips and gzipped tars written byte by byte, so that a test can craft exactly the hostile
 * archive it needs (names with {@code ../}, links out, devices, duplicates, setuid modes), which
 * {@link java.util.zip.ZipOutputStream} and real packers refuse to write.
 *
 * <pre>{@code
 * byte[] zip = TestArchives.zip(List.of(TestArchives.file("bin/app", 04755, "#!/bin/sh"),
 *         TestArchives.symlink("lib/current.jar", "app-1.0.jar")));
 * }</pre>
 */
public final class TestArchives {
    /** One entry: {@code type} is 'f' file, 'd' folder, 'l' symbolic link, 'h' hard link, 'c' device, 'p' fifo. */
    public record Entry(String name, char type, int mode, byte[] data, String link) { }

    private TestArchives() {
    }

    /** Writes {@code jar} (and its folder): a jar with no entry but a manifest naming {@code version} as its Implementation-Version. */
    public static Path versionedJar(Path jar, String version) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.IMPLEMENTATION_VERSION, version);
        Files.createDirectories(jar.getParent());
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream zip = new JarOutputStream(out, manifest)) {
            zip.closeEntry();
        }
        return jar;
    }

    public static Entry file(String name, int mode, String text) {
        return new Entry(name, 'f', mode, text.getBytes(StandardCharsets.UTF_8), null);
    }

    public static Entry file(String name, int mode, byte[] data) {
        return new Entry(name, 'f', mode, data, null);
    }

    public static Entry folder(String name) {
        return new Entry(name, 'd', 0755, new byte[0], null);
    }

    public static Entry symlink(String name, String target) {
        return new Entry(name, 'l', 0777, new byte[0], target);
    }

    public static Entry hardLink(String name, String target) {
        return new Entry(name, 'h', 0644, new byte[0], target);
    }

    public static Entry special(String name, char type) {
        return new Entry(name, type, 0644, new byte[0], null);
    }

    /** A zip made on Unix: modes and file types in the external attributes, every file deflated. */
    public static byte[] zip(List<Entry> entries) {
        return zip(entries, false);
    }

    /**
     * As {@link #zip(List)}; with {@code shareFirstEntry} every central record points at the first
     * entry's data, the overlapping layout of the classic zip bomb.
     */
    public static byte[] zip(List<Entry> entries, boolean shareFirstEntry) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream central = new ByteArrayOutputStream();
        long firstOffset = 0;
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            byte[] name = e.name().getBytes(StandardCharsets.UTF_8);
            byte[] data = e.type() == 'l' ? e.link().getBytes(StandardCharsets.UTF_8) : e.data();
            CRC32 crc = new CRC32();
            crc.update(data);
            byte[] compressed = deflate(data);
            long offset = out.size();
            ByteBuffer local = le(30 + name.length);
            local.putInt(0x04034b50).putShort((short) 20).putShort((short) 0x800).putShort((short) 8).putInt(0)
                    .putInt((int) crc.getValue()).putInt(compressed.length).putInt(data.length)
                    .putShort((short) name.length).putShort((short) 0).put(name);
            out.writeBytes(local.array());
            out.writeBytes(compressed);
            if (i == 0) {
                firstOffset = offset;
            }
            int type = switch (e.type()) {
                case 'd' -> 0040000;
                case 'l' -> 0120000;
                case 'c' -> 0020000;
                case 'p' -> 0010000;
                default -> 0100000;
            };
            ByteBuffer record = le(46 + name.length);
            record.putInt(0x02014b50).putShort((short) (3 << 8 | 20)).putShort((short) 20).putShort((short) 0x800)
                    .putShort((short) 8).putInt(0).putInt((int) crc.getValue()).putInt(compressed.length)
                    .putInt(data.length).putShort((short) name.length).putShort((short) 0).putShort((short) 0)
                    .putShort((short) 0).putShort((short) 0).putInt((type | e.mode()) << 16)
                    .putInt((int) (shareFirstEntry ? firstOffset : offset)).put(name);
            central.writeBytes(record.array());
        }
        long centralStart = out.size();
        out.writeBytes(central.toByteArray());
        ByteBuffer end = le(22);
        end.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) entries.size())
                .putShort((short) entries.size()).putInt(central.size()).putInt((int) centralStart).putShort((short) 0);
        out.writeBytes(end.array());
        return out.toByteArray();
    }

    /** A POSIX ustar, gzipped; a name longer than 100 bytes goes into a pax header as tar does it. */
    public static byte[] tarGz(List<Entry> entries) {
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        for (Entry e : entries) {
            StringBuilder pax = new StringBuilder();
            if (e.name().length() > 100) {
                pax.append(paxRecord("path", e.name()));
            }
            if (e.link() != null && e.link().length() > 100) {
                pax.append(paxRecord("linkpath", e.link()));
            }
            if (!pax.isEmpty()) {
                byte[] records = pax.toString().getBytes(StandardCharsets.UTF_8);
                tar.writeBytes(header("PaxHeader", 'x', 0644, records.length, ""));
                writePadded(tar, records);
            }
            char type = switch (e.type()) {
                case 'd' -> '5';
                case 'l' -> '2';
                case 'h' -> '1';
                case 'c' -> '3';
                case 'p' -> '6';
                default -> '0';
            };
            String name = e.name().length() > 100 ? e.name().substring(0, 100) : e.name();
            String link = e.link() == null ? "" : e.link().length() > 100 ? e.link().substring(0, 100) : e.link();
            tar.writeBytes(header(name, type, e.mode(), e.data().length, link));
            writePadded(tar, e.data());
        }
        tar.writeBytes(new byte[1024]);
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(tar.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return gz.toByteArray();
    }

    /** {@code "<length> key=value\n"}, the length counting its own digits (ASCII test names only). */
    private static String paxRecord(String key, String value) {
        String record = " " + key + "=" + value + "\n";
        int length = record.length() + 1;
        while (String.valueOf(length).length() + record.length() != length) {
            length++;
        }
        return length + record;
    }

    private static byte[] header(String name, char type, int mode, long size, String link) {
        byte[] h = new byte[512];
        put(h, 0, name.getBytes(StandardCharsets.UTF_8));
        put(h, 100, octal(mode, 8));
        put(h, 108, octal(0, 8));
        put(h, 116, octal(0, 8));
        put(h, 124, octal(size, 12));
        put(h, 136, octal(1_760_000_000L, 12));
        h[156] = (byte) type;
        put(h, 157, link.getBytes(StandardCharsets.UTF_8));
        put(h, 257, "ustar\0".getBytes(StandardCharsets.US_ASCII));
        put(h, 263, "00".getBytes(StandardCharsets.US_ASCII));
        for (int i = 148; i < 156; i++) {
            h[i] = ' ';
        }
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        put(h, 148, octal(sum, 8));
        return h;
    }

    private static byte[] octal(long value, int width) {
        String digits = Long.toOctalString(value);
        return ("0".repeat(width - 1 - digits.length()) + digits + "\0").getBytes(StandardCharsets.US_ASCII);
    }

    private static void put(byte[] header, int at, byte[] value) {
        System.arraycopy(value, 0, header, at, value.length);
    }

    private static void writePadded(ByteArrayOutputStream out, byte[] data) {
        out.writeBytes(data);
        out.writeBytes(new byte[(512 - data.length % 512) % 512]);
    }

    private static byte[] deflate(byte[] data) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        deflater.setInput(data);
        deflater.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[64 << 10];
        while (!deflater.finished()) {
            out.write(buffer, 0, deflater.deflate(buffer));
        }
        deflater.end();
        return out.toByteArray();
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Entries as a list, for readability at the call site. */
    public static List<Entry> of(Entry... entries) {
        return new ArrayList<>(List.of(entries));
    }
}
