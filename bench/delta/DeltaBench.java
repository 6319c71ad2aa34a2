import dev.updater.core.Sha256;
import dev.updater.core.delta.EntryIndex;
import dev.updater.core.delta.IndexCodec;
import dev.updater.core.delta.IndexedZip;
import dev.updater.core.delta.LocalObjects;
import dev.updater.core.delta.ObjectRef;
import dev.updater.core.delta.ZipIndexer;
import dev.updater.core.delta.ZipRebuilder;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Bytes a client transfers for a delta (the entry index plus the objects its installed jar lacks)
 * against the full download, for fat jars built here from the real jars in core/target/delta-jars.
 * Not a test. Usage: java -cp core/target/classes:bench/delta DeltaBench JARS_DIR WORK_DIR
 */
public final class DeltaBench {
    private static final long T1 = 1_700_000_000_000L;
    private static final long T2 = 1_750_000_000_000L;

    public static void main(String[] args) throws Exception {
        Path jars = Path.of(args[0]);
        Path work = Files.createDirectories(Path.of(args[1]));
        List<Path> libs;
        try (var list = Files.list(jars)) {
            libs = list.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
        }
        Path base = fatJar(libs, work.resolve("base.jar"), T1, null);
        Path oneClass = fatJar(libs, work.resolve("one-class.jar"), T1, "org/apache/commons/lang3/StringUtils.class");
        Path retimed = fatJar(libs, work.resolve("retimed.jar"), T2, null);
        System.out.printf("fat jar: %d entries, %d bytes%n", ZipIndexer.index(base).index().entries().size(), Files.size(base));
        System.out.println("| scenario | full download | delta: index | delta: objects | delta total | % of full | whole-file CDC (16 KiB avg) | rebuild CPU |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        row("(a) one changed class", base, oneClass, work);
        row("(c) same classes, new entry timestamps", base, retimed, work);
    }

    /** Every entry of every lib under lib-N/, DEFLATED, all at time {@code time}; the first {@code touched} gets one more byte. */
    private static Path fatJar(List<Path> libs, Path out, long time, String touched) throws IOException {
        boolean changed = false;
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(out))) {
            for (int n = 0; n < libs.size(); n++) {
                try (ZipFile lib = new ZipFile(libs.get(n).toFile())) {
                    for (ZipEntry e : java.util.Collections.list(lib.entries())) {
                        if (e.isDirectory()) {
                            continue;
                        }
                        ZipEntry copy = new ZipEntry("lib-" + n + "/" + e.getName());
                        copy.setTime(time);
                        zip.putNextEntry(copy);
                        try (InputStream in = lib.getInputStream(e)) {
                            in.transferTo(zip);
                        }
                        if (!changed && e.getName().equals(touched)) {
                            zip.write(0); // one class of one library changes by one trailing byte
                            changed = true;
                        }
                    }
                }
            }
        }
        return out;
    }

    private static void row(String name, Path oldJar, Path newJar, Path work) throws Exception {
        long full = Files.size(newJar);
        byte[] index = IndexCodec.write(ZipIndexer.index(newJar).index());
        Path indexFile = Files.write(work.resolve("index"), index);
        IndexedZip channelSide = ZipIndexer.index(newJar);

        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        long start = cpu.getCurrentThreadCpuTime();
        // The client: index what it has, read the new index, find what it lacks.
        IndexedZip installed = ZipIndexer.index(oldJar);
        EntryIndex wanted = IndexCodec.read(Files.readAllBytes(indexFile), full, Sha256.ofFile(newJar));
        List<ObjectRef> missing = new LocalObjects(List.of(installed), null).missing(wanted);
        long cpuPlan = cpu.getCurrentThreadCpuTime() - start;
        Path fetched = Files.createDirectories(work.resolve("fetched-" + System.nanoTime()));
        long objectBytes = 0;
        for (ObjectRef ref : missing) {
            try (InputStream in = new LocalObjects(List.of(channelSide), null).open(ref);
                 OutputStream out = Files.newOutputStream(fetched.resolve(ref.sha256().hex()))) {
                out.write(in.readNBytes((int) ref.size()));
            }
            objectBytes += ref.size();
        }
        start = cpu.getCurrentThreadCpuTime();
        Path rebuilt = work.resolve("rebuilt-" + System.nanoTime() + ".jar");
        ZipRebuilder.rebuild(wanted, new LocalObjects(List.of(installed), fetched), rebuilt, Sha256.ofFile(newJar), full);
        long cpuRebuild = cpu.getCurrentThreadCpuTime() - start;
        if (!Sha256.ofFile(rebuilt).equals(Sha256.ofFile(newJar))) {
            throw new AssertionError("rebuild differs");
        }
        long total = index.length + objectBytes;
        System.out.printf("| %s | %,d B | %,d B | %,d B (%d objects) | %,d B | %.2f %% | %,d B | %d ms (index+plan %d ms, rebuild %d ms) |%n",
                name, full, index.length, objectBytes, missing.size(), total, 100.0 * total / full,
                cdcDelta(oldJar, newJar), (cpuPlan + cpuRebuild) / 1_000_000, cpuPlan / 1_000_000, cpuRebuild / 1_000_000);
    }

    /** Bytes of the new file's content-defined chunks (gear hash, 16 KiB average) that the old file lacks. */
    private static long cdcDelta(Path oldFile, Path newFile) throws IOException {
        Set<String> have = new HashSet<>();
        chunks(oldFile, (data, length) -> have.add(hash(data, length)));
        long[] missing = {0};
        chunks(newFile, (data, length) -> {
            if (!have.contains(hash(data, length))) {
                missing[0] += length;
            }
        });
        return missing[0];
    }

    private interface ChunkSink {
        void chunk(byte[] data, int length);
    }

    private static final long[] GEAR = new long[256];

    static {
        java.util.Random random = new java.util.Random(1);
        for (int i = 0; i < 256; i++) {
            GEAR[i] = random.nextLong();
        }
    }

    private static void chunks(Path file, ChunkSink sink) throws IOException {
        long mask = (1L << 14) - 1; // average 16 KiB past the 4 KiB minimum
        byte[] chunk = new byte[65536];
        int length = 0;
        long h = 0;
        try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            int b;
            while ((b = in.read()) >= 0) {
                chunk[length++] = (byte) b;
                h = (h << 1) + GEAR[b];
                if ((length >= 4096 && (h & mask) == 0) || length == chunk.length) {
                    sink.chunk(chunk, length);
                    length = 0;
                    h = 0;
                }
            }
        }
        if (length > 0) {
            sink.chunk(chunk, length);
        }
    }

    private static String hash(byte[] data, int length) {
        java.security.MessageDigest digest = Sha256.newDigest();
        digest.update(data, 0, length);
        return Sha256.of(digest.digest()).hex();
    }
}
