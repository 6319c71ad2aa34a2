import dev.updater.core.Sha256;
import dev.updater.core.delta.ChunkedIndex;
import dev.updater.core.delta.EntryIndex;
import dev.updater.core.delta.IndexCodec;
import dev.updater.core.delta.IndexedZip;
import dev.updater.core.delta.LocalObjects;
import dev.updater.core.delta.ObjectRef;
import dev.updater.core.delta.SpringBootFatJars;
import dev.updater.core.delta.ZipIndexer;
import dev.updater.core.delta.ZipRebuilder;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
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
    private static final String HEADER = """
            | scenario | full download | index: top | index: chunks fetched | objects | delta total | % of full \
            | v2 index in full (no chunk kept) | v1 index | whole-file CDC (16 KiB avg) | client CPU | publisher CPU (index the new jar) |
            |---|---|---|---|---|---|---|---|---|---|---|---|""";

    public static void main(String[] args) throws Exception {
        Path jars = Path.of(args[0]);
        Path work = Files.createDirectories(Path.of(args[1]));
        List<Path> libs;
        try (var list = Files.list(jars)) {
            libs = list.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
        }
        Path base = fatJar(libs, work.resolve("base.jar"), T1, null);
        Path oneClass = fatJar(libs, work.resolve("one-class.jar"), T1, "org/apache/commons/lang3/StringUtils.class");
        Path oneClassNearStart = fatJar(libs, work.resolve("one-class-near-start.jar"), T1, "org/apache/commons/lang3/StringUtils.class", true);
        Path oneSmallClass = fatJar(libs, work.resolve("one-small-class.jar"), T1, "org/apache/commons/lang3/text/StrLookup.class");
        Path retimed = fatJar(libs, work.resolve("retimed.jar"), T2, null);
        // (b): the same fat jar without jackson-databind 2.22.4, then with 2.22.3 bumped to 2.22.4 in its place
        List<Path> before = libs.stream().filter(p -> !p.getFileName().toString().equals("jackson-databind-2.22.4.jar")).toList();
        List<Path> after = before.stream().map(p -> p.getFileName().toString().equals("jackson-databind-2.22.3.jar")
                ? p.resolveSibling("jackson-databind-2.22.4.jar") : p).toList();
        Path bumpBase = fatJar(before, work.resolve("bump-base.jar"), T1, null);
        Path bumped = fatJar(after, work.resolve("bumped.jar"), T1, null);
        System.out.printf("fat jar: %d entries, %d bytes%n", ZipIndexer.index(base).index().entries().size(), Files.size(base));
        breakdown(ZipIndexer.index(base).index());
        System.out.println(HEADER);
        row("(a) one changed class (StringUtils)", base, oneClass, work);
        row("(a') one changed class of median size (StrLookup)", base, oneSmallClass, work);
        row("(a'') one changed class, changed near its start (StringUtils, one byte inserted at offset 10)", base, oneClassNearStart, work);
        row("(b) dependency bump, jackson-databind 2.22.3 -> 2.22.4 (" + Files.size(jars.resolve("jackson-databind-2.22.4.jar")) + " B jar)", bumpBase, bumped, work);
        row("(c) same classes, new entry timestamps", base, retimed, work);
        springBoot(jars, libs, work);
    }

    /**
     * The Spring Boot cases: fat jars built by Spring Boot's Repackager (SpringBootFatJars), every library
     * nested STORED in BOOT-INF/lib, the app's classes from netty-codec-http and its own module jar from
     * commons-io (both rebuilt at each build).
     */
    private static void springBoot(Path jars, List<Path> libs, Path work) throws Exception {
        Path appClasses = jars.resolve("netty-codec-http-4.2.20.Final.jar");
        Path appModule = jars.resolve("commons-io-2.22.0.jar");
        String bumpFrom = "jackson-databind-2.22.3.jar";
        String bumpTo = "jackson-databind-2.22.4.jar";
        List<Path> before = libs.stream().filter(p -> !p.getFileName().toString().equals(bumpTo)).toList();
        List<Path> after = before.stream().map(p -> p.getFileName().toString().equals(bumpFrom) ? jars.resolve(bumpTo) : p)
                .toList();
        SpringBootFatJars.Build app = SpringBootFatJars.reproducible(appClasses, appModule, before);
        Path base = SpringBootFatJars.build(work, "boot-base.jar", app);
        Path bumped = SpringBootFatJars.build(work, "boot-bumped.jar", app.withLibraries(after));
        Path oneClass = SpringBootFatJars.build(work, "boot-one-class.jar", app.changing("org/apache/commons/io/FileUtils.class"));
        SpringBootFatJars.Build unreproducible = new SpringBootFatJars.Build(appClasses, appModule, before, T1, false, null);
        Path first = SpringBootFatJars.build(work, "boot-first.jar", unreproducible);
        Path second = SpringBootFatJars.build(work, "boot-second.jar", unreproducible.at(T2));
        EntryIndex index = ZipIndexer.index(base).index();
        System.out.printf("%nSpring Boot fat jar (Repackager): %d entries, %d nested jars with %d entries, %d bytes%n",
                index.entries().size(), index.nested().size(),
                index.nested().stream().mapToInt(n -> n.index().entries().size()).sum(), Files.size(base));
        System.out.println(HEADER);
        long bumpedJar = Files.size(jars.resolve(bumpTo));
        long total = row("(b) Spring Boot: dependency bump, " + bumpFrom + " -> " + bumpTo + " (" + bumpedJar + " B jar)",
                base, bumped, work);
        System.out.printf("(b): %,d B fetched = %.2f x the bumped jar (%,d B)%n", total, (double) total / bumpedJar, bumpedJar);
        row("(d) Spring Boot: one class changed in the nested app module jar (FileUtils)", base, oneClass, work);
        row("(c) Spring Boot: built twice, not reproducible (new timestamps, same classes)", first, second, work);
    }

    /** Where the bytes of a version 1 index go: each field's raw bytes, and DEFLATE'd as a stream of its own. */
    private static void breakdown(EntryIndex index) throws IOException {
        Map<String, java.io.ByteArrayOutputStream> fields = new java.util.LinkedHashMap<>();
        for (String name : List.of("entry data SHA-256", "entry data size", "local header: name", "local header: DOS time/date",
                "local header: CRC and sizes", "local header: rest (signature, versions, flags, method, lengths, extra)",
                "trailer (data descriptor)", "central record: name", "central record: DOS time/date",
                "central record: CRC and sizes", "central record: rest", "central record: entry number, offset position",
                "tail")) {
            fields.put(name, new java.io.ByteArrayOutputStream());
        }
        for (EntryIndex.Entry e : index.entries()) {
            byte[] h = e.localHeader();
            int n = (h[26] & 0xFF) | (h[27] & 0xFF) << 8;
            fields.get("entry data SHA-256").write(java.util.HexFormat.of().parseHex(e.data().sha256().hex()));
            fields.get("entry data size").write(java.nio.ByteBuffer.allocate(8).putLong(e.data().size()).array());
            fields.get("local header: name").write(h, 30, n);
            fields.get("local header: DOS time/date").write(h, 10, 4);
            fields.get("local header: CRC and sizes").write(h, 14, 12);
            fields.get("local header: rest (signature, versions, flags, method, lengths, extra)").write(h, 0, 10);
            fields.get("local header: rest (signature, versions, flags, method, lengths, extra)").write(h, 26, 4);
            fields.get("local header: rest (signature, versions, flags, method, lengths, extra)").write(h, 30 + n, h.length - 30 - n);
            fields.get("trailer (data descriptor)").write(e.trailer());
        }
        for (EntryIndex.CentralRecord c : index.central()) {
            byte[] r = c.raw();
            int n = (r[28] & 0xFF) | (r[29] & 0xFF) << 8;
            fields.get("central record: name").write(r, 46, n);
            fields.get("central record: DOS time/date").write(r, 12, 4);
            fields.get("central record: CRC and sizes").write(r, 16, 12);
            fields.get("central record: rest").write(r, 0, 12);
            fields.get("central record: rest").write(r, 28, 18);
            fields.get("central record: rest").write(r, 46 + n, r.length - 46 - n);
            fields.get("central record: entry number, offset position").write(new byte[9]);
        }
        fields.get("tail").write(index.tail());
        System.out.println("| field (version 1 index) | raw bytes | DEFLATE'd on its own |");
        System.out.println("|---|---|---|");
        long raw = 0;
        long packed = 0;
        for (var field : fields.entrySet()) {
            byte[] bytes = field.getValue().toByteArray();
            int deflated = deflated(bytes);
            raw += bytes.length;
            packed += deflated;
            System.out.printf("| %s | %,d | %,d |%n", field.getKey(), bytes.length, deflated);
        }
        System.out.printf("| total (whole v1 index: %,d B) | %,d | %,d |%n", IndexCodec.write(index).length, raw, packed);
    }

    private static int deflated(byte[] bytes) {
        java.util.zip.Deflater deflater = new java.util.zip.Deflater(9);
        deflater.setInput(bytes);
        deflater.finish();
        byte[] buffer = new byte[1 << 16];
        int total = 0;
        while (!deflater.finished()) {
            total += deflater.deflate(buffer);
        }
        deflater.end();
        return total;
    }

    /** Every entry of every lib under lib-N/, DEFLATED, all at time {@code time}; the first {@code touched} gets one more byte at its end. */
    private static Path fatJar(List<Path> libs, Path out, long time, String touched) throws IOException {
        return fatJar(libs, out, time, touched, false);
    }

    /**
     * As above; with {@code nearStart} the byte is inserted at offset 10 of {@code touched}, where a class's
     * constant pool starts, as an edit that adds a constant would: its compressed bytes change from there
     * on, where a byte appended at its end leaves all but the end of them as they were.
     */
    private static Path fatJar(List<Path> libs, Path out, long time, String touched, boolean nearStart) throws IOException {
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
                        boolean touch = !changed && e.getName().equals(touched);
                        try (InputStream in = lib.getInputStream(e)) {
                            if (touch && nearStart) {
                                byte[] bytes = in.readAllBytes();
                                zip.write(bytes, 0, 10);
                                zip.write(0);
                                zip.write(bytes, 10, bytes.length - 10);
                            } else {
                                in.transferTo(zip);
                            }
                        }
                        if (touch && !nearStart) {
                            zip.write(0); // one class of one library changes by one trailing byte
                        }
                        changed |= touch;
                    }
                }
            }
        }
        return out;
    }

    private static long row(String name, Path oldJar, Path newJar, Path work) throws Exception {
        long full = Files.size(newJar);
        Sha256 newSha = Sha256.ofFile(newJar);
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        // The publisher's whole cost per release, whatever version a host runs: index the new jar
        // (hash every entry's data) and cut the index into chunks. bsdiff's is a patch per pair (run.sh).
        long publishStart = cpu.getCurrentThreadCpuTime();
        ChunkedIndex.Written published = ChunkedIndex.write(ZipIndexer.index(newJar).index());
        long cpuPublish = cpu.getCurrentThreadCpuTime() - publishStart;
        Map<Sha256, byte[]> channelChunks = new HashMap<>();
        for (int i = 0; i < published.storedChunks().size(); i++) {
            channelChunks.put(published.index().chunks().get(i).object().sha256(), published.storedChunks().get(i));
        }
        int v1Index = IndexCodec.write(ZipIndexer.index(newJar).index()).length;
        IndexedZip channelSide = ZipIndexer.index(newJar);

        long start = cpu.getCurrentThreadCpuTime();
        // The client: index what it has, compute its own index's chunks (what it kept from the last
        // release), read the new top-level index, fetch the chunks it lacks, find the objects it lacks.
        IndexedZip installed = ZipIndexer.index(oldJar);
        ChunkedIndex.Written kept = ChunkedIndex.write(installed.index());
        Map<Sha256, byte[]> have = new HashMap<>();
        for (int i = 0; i < kept.storedChunks().size(); i++) {
            have.put(kept.index().chunks().get(i).object().sha256(), kept.storedChunks().get(i));
        }
        ChunkedIndex top = ChunkedIndex.read(published.top(), full, newSha);
        long[] chunkBytes = {0, 0};
        EntryIndex wanted = top.assemble(ref -> {
            byte[] local = have.get(ref.sha256());
            if (local != null) {
                return local;
            }
            chunkBytes[0] += ref.size();
            chunkBytes[1]++;
            return channelChunks.get(ref.sha256());
        });
        Path fetched = Files.createDirectories(work.resolve("fetched-" + System.nanoTime()));
        LocalObjects local = new LocalObjects(List.of(installed), fetched);
        LocalObjects.Plan plan = local.plan(wanted);
        List<ObjectRef> missing = plan.fetch();
        long cpuPlan = cpu.getCurrentThreadCpuTime() - start;
        long objectBytes = 0;
        LocalObjects channelObjects = new LocalObjects(List.of(channelSide), null);
        for (ObjectRef ref : missing) {
            try (InputStream in = channelObjects.open(ref);
                 OutputStream out = Files.newOutputStream(fetched.resolve(ref.sha256().hex()))) {
                out.write(in.readNBytes((int) ref.size()));
            }
            objectBytes += ref.size();
        }
        start = cpu.getCurrentThreadCpuTime();
        Path rebuilt = work.resolve("rebuilt-" + System.nanoTime() + ".jar");
        for (EntryIndex.Nested nested : plan.rebuild()) {
            ObjectRef jar = wanted.entries().get(nested.entry()).data();
            ZipRebuilder.rebuild(nested.index(), local, fetched.resolve(jar.sha256().hex()), jar.sha256(), jar.size());
        }
        ZipRebuilder.rebuild(wanted, local, rebuilt, newSha, full);
        long cpuRebuild = cpu.getCurrentThreadCpuTime() - start;
        if (!Sha256.ofFile(rebuilt).equals(newSha)) {
            throw new AssertionError("rebuild differs");
        }
        long total = published.top().length + chunkBytes[0] + objectBytes;
        long wholeV2 = published.top().length + published.storedChunks().stream().mapToLong(c -> c.length).sum();
        String nestedRebuilt = plan.rebuild().isEmpty() ? "" : ", " + plan.rebuild().size() + " nested jar(s) rebuilt from entries";
        System.out.printf("| %s | %,d B | %,d B | %,d B (%d of %d chunks) | %,d B (%d%s) | %,d B | %.3f %% | %,d B | %,d B | %,d B | %d ms (index, chunks and plan %d ms, rebuild %d ms) | %d ms |%n",
                name, full, published.top().length, chunkBytes[0], chunkBytes[1], top.chunks().size(), objectBytes,
                missing.size(), nestedRebuilt, total, 100.0 * total / full, wholeV2, v1Index, cdcDelta(oldJar, newJar),
                (cpuPlan + cpuRebuild) / 1_000_000, cpuPlan / 1_000_000, cpuRebuild / 1_000_000, cpuPublish / 1_000_000);
        // run.sh makes a bsdiff patch for each pair and sets it beside this delta
        Files.writeString(work.resolve("pairs.tsv"), String.join("\t", name, oldJar.toString(), newJar.toString(),
                Long.toString(full), Long.toString(total)) + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        return total;
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
