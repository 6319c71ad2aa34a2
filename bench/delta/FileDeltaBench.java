import dev.updater.core.Sha256;
import dev.updater.core.delta.FileChunkIndex;
import dev.updater.core.delta.ObjectRef;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Delta benchmark for an artifact that is not a zip (not a test): a real native binary (argument 1),
 * a small change in its middle and an insertion near its start. For each, what a host running the
 * original transfers with the chunk index (the index and the chunks its file lacks) against the full
 * download; the client's CPU to cut its file and rebuild; every rebuild checked byte-exact. Writes
 * each pair into the work folder (argument 2) for bsdiff, which run.sh times apart.
 */
public final class FileDeltaBench {
    public static void main(String[] args) throws Exception {
        Path binary = Path.of(args[0]);
        Path work = Files.createDirectories(Path.of(args[1]));
        byte[] base = Files.readAllBytes(binary);
        Files.write(work.resolve("base.bin"), base);

        byte[] changed = base.clone();
        byte[] patch = new byte[100];
        new Random(1).nextBytes(patch);
        System.arraycopy(patch, 0, changed, base.length / 2, patch.length);

        ByteArrayOutputStream inserted = new ByteArrayOutputStream();
        inserted.write(base, 0, 4096);
        byte[] insertion = new byte[1024];
        new Random(2).nextBytes(insertion);
        inserted.write(insertion);
        inserted.write(base, 4096, base.length - 4096);

        System.out.println("| scenario | full download | index | chunks fetched | delta total | % of full | client CPU (cut, rebuild) |");
        System.out.println("|---|---|---|---|---|---|---|");
        run("(d) 100 bytes changed in the middle", work, "changed", changed);
        run("(e) 1 KiB inserted at offset 4096", work, "inserted", inserted.toByteArray());
    }

    private static void run(String name, Path work, String label, byte[] next) throws Exception {
        Path file = Files.write(work.resolve(label + ".bin"), next);
        // publish: cut the new file, store its chunks by name
        Map<Sha256, byte[]> channel = new HashMap<>();
        FileChunkIndex published = FileChunkIndex.of(file, (ref, buffer, from, to, offset) ->
                channel.put(ref.sha256(), Arrays.copyOfRange(buffer, from, to)));
        byte[] top = published.toBytes();

        // client: read the index, cut the file it runs, fetch what it lacks, rebuild, verify
        long cpu0 = cpu();
        FileChunkIndex index = FileChunkIndex.read(top, next.length, Sha256.ofBytes(next));
        Path baseFile = work.resolve("base.bin");
        Map<Sha256, Long> have = new HashMap<>();
        FileChunkIndex.of(baseFile, (ref, buffer, from, to, offset) -> have.putIfAbsent(ref.sha256(), offset));
        long cpu1 = cpu();
        Map<Sha256, ObjectRef> missing = new LinkedHashMap<>();
        index.chunks().stream().filter(ref -> !have.containsKey(ref.sha256())).forEach(ref -> missing.putIfAbsent(ref.sha256(), ref));
        long fetched = missing.values().stream().mapToLong(ObjectRef::size).sum();
        Path rebuilt = work.resolve(label + ".rebuilt");
        Files.deleteIfExists(rebuilt);
        index.rebuild(ref -> open(baseFile, have.get(ref.sha256()), channel.get(ref.sha256())), rebuilt);
        long cpu2 = cpu();
        if (!Arrays.equals(Files.readAllBytes(rebuilt), next)) {
            throw new IllegalStateException("rebuild differs");
        }
        long total = top.length + fetched;
        System.out.printf("| %s | %,d B | %,d B (%d chunks) | %,d B (%d of %d) | **%,d B** | %.3f %% | %d ms (%d, %d) |%n",
                name, next.length, top.length, index.chunks().size(), fetched, missing.size(), index.chunks().size(),
                total, 100.0 * total / next.length, (cpu2 - cpu0) / 1_000_000, (cpu1 - cpu0) / 1_000_000,
                (cpu2 - cpu1) / 1_000_000);
        // run.sh makes a bsdiff patch for each pair and sets it beside this delta
        Files.writeString(work.resolve("pairs.tsv"), String.join("\t", name, work.resolve("base.bin").toString(),
                file.toString(), Long.toString(next.length), Long.toString(total)) + "\n",
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static InputStream open(Path base, Long offset, byte[] fetched) throws IOException {
        if (offset == null) {
            return new ByteArrayInputStream(fetched);
        }
        FileChannel channel = FileChannel.open(base, StandardOpenOption.READ);
        channel.position(offset);
        return Channels.newInputStream(channel);
    }

    private static long cpu() {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }
}
