import dev.updater.core.Sha256;
import dev.updater.core.home.StagedRelease;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.version.ReleaseVersion;
import dev.updater.sidecar.supervise.OfflineSwap;
import dev.updater.sidecar.swap.Outcome;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * Benchmark, not a test. The swap alone — steps 1 to 5 of the transaction: re-verify the staged
 * file, journal, back up the installed artifact (hard link, verified), copy beside the target with
 * its hash and fsync, rename, fsync the directory, journal — for an artifact of SIZE_MIB, against
 * {@code cp NEW target.tmp && sync && mv target.tmp target} of the same file. Each round starts from
 * fresh files, synced to disk before the clock starts. Round 1 runs in a cold JVM, as a sidecar that
 * installs once a day would.
 *
 * <p>Usage: {@code java -cp updater-sidecar.jar SwapBench.java SIZE_MIB ROUNDS WORKDIR}.
 */
public class SwapBench {
    public static void main(String[] args) throws Exception {
        int mib = Integer.parseInt(args[0]);
        int rounds = Integer.parseInt(args[1]);
        Path work = Files.createTempDirectory(Path.of(args[2]), "swap-bench");
        List<Long> ours = new ArrayList<>();
        List<Long> shell = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            Path dir = Files.createDirectory(work.resolve("round-" + i));
            Path home = Files.createDirectory(dir.resolve("home"));
            Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
            Path target = randomFile(Files.createDirectory(dir.resolve("opt")).resolve("app.jar"), mib, i);
            Path staged = randomFile(Files.createDirectories(home.resolve("releases/2.0.0")).resolve("app.jar"), mib, 1000 + i);
            StagedRelease release = new StagedRelease(ReleaseVersion.parse("2.0.0"), "releases/2.0.0/app.jar",
                    Files.size(staged), Sha256.ofFile(staged), "any", List.of(), List.of(), null, false, false, null,
                    null, null, Instant.now());
            new UpdateHome(home).stagedRecord().write(release);
            Path newCopy = randomFile(dir.resolve("new.jar"), mib, 1000 + i);
            Path shellTarget = randomFile(dir.resolve("shell-app.jar"), mib, i);
            sync();

            long t0 = System.nanoTime();
            Outcome outcome = new OfflineSwap(new UpdateHome(home), 2, Clock.systemUTC(), line -> { })
                    .install(release, target);
            long t1 = System.nanoTime();
            if (!(outcome instanceof Outcome.PendingStart)) {
                throw new IllegalStateException(outcome.message());
            }
            sync();

            long t2 = System.nanoTime();
            Process p = new ProcessBuilder("sh", "-c", "cp \"$0\" \"$1.tmp\" && sync && mv \"$1.tmp\" \"$1\"",
                    newCopy.toString(), shellTarget.toString()).inheritIO().start();
            if (p.waitFor() != 0) {
                throw new IllegalStateException("cp + sync + mv failed");
            }
            long t3 = System.nanoTime();
            ours.add((t1 - t0) / 1_000_000);
            shell.add((t3 - t2) / 1_000_000);
            System.out.printf("round %2d: swap transaction %5d ms, cp + sync + mv %5d ms%n", i + 1, (t1 - t0) / 1_000_000,
                    (t3 - t2) / 1_000_000);
            deleteTree(dir);
        }
        deleteTree(work);
        List<Long> warmOurs = ours.subList(1, ours.size());
        List<Long> warmShell = shell.subList(1, shell.size());
        System.out.printf("%nfirst (cold JVM): swap transaction %d ms, cp + sync + mv %d ms%n", ours.get(0), shell.get(0));
        System.out.printf("median of the others: swap transaction %d ms, cp + sync + mv %d ms, ratio %.2f%n",
                median(warmOurs), median(warmShell), (double) median(warmOurs) / median(warmShell));
        System.out.printf("SUMMARY %d %d %d %d%n", ours.get(0), shell.get(0), median(warmOurs), median(warmShell));
    }

    private static Path randomFile(Path file, int mib, long seed) throws Exception {
        Random random = new Random(seed);
        byte[] block = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < mib; i++) {
                random.nextBytes(block);
                out.write(block);
            }
        }
        return file;
    }

    private static void sync() throws Exception {
        new ProcessBuilder("sync").inheritIO().start().waitFor();
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    private static void deleteTree(Path dir) throws Exception {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

}
