import dev.updater.core.archive.ArchiveLimits;
import dev.updater.core.archive.Unpacker;
import dev.updater.core.manifest.ArchiveFormat;

import java.nio.file.Path;

/**
 * Unpacks one archive with the updater's {@link Unpacker} (default limits: every check on, every file
 * and folder fsynced, renamed into place), as the agent does when it stages an archive release.
 * Not a test. Usage: java -cp core/target/classes:bench/unpack UnpackBench zip|tar.gz ARCHIVE DEST [REPEATS]
 * With REPEATS > 1 it unpacks that many times in one JVM (into DEST-1, DEST-2, …) and prints each time.
 */
public final class UnpackBench {
    public static void main(String[] args) throws Exception {
        ArchiveFormat format = ArchiveFormat.ofWireName(args[0]).orElseThrow();
        int repeats = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        for (int i = 1; i <= repeats; i++) {
            Path dest = Path.of(repeats == 1 ? args[2] : args[2] + "-" + i);
            long start = System.nanoTime();
            Unpacker.Unpacked result = Unpacker.unpack(Path.of(args[1]), format, dest, ArchiveLimits.DEFAULT);
            if (repeats > 1) {
                System.out.printf("run %d: %.1f ms, %d files, %d bytes%n", i, (System.nanoTime() - start) / 1e6,
                        result.files(), result.bytes());
            }
        }
    }
}
