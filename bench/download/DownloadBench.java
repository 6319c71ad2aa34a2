import dev.updater.core.Sha256;
import dev.updater.core.UpdaterException;
import dev.updater.core.download.Cancellation;
import dev.updater.core.download.DownloadListener;
import dev.updater.core.download.DownloadOptions;
import dev.updater.core.download.DownloadRequest;
import dev.updater.core.download.Downloader;
import dev.updater.core.download.VerifiedFile;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The benchmark's "ours": downloads one file with {@link Downloader} and default options, as the
 * agent would, into DIR/bench.bin (verified, fsynced, renamed).
 *
 * <pre>
 * DownloadBench URL SIZE SHA256 DIR            one cold download (what hyperfine times)
 * DownloadBench URL SIZE SHA256 DIR REPEAT     REPEAT downloads in one JVM, printing each one's time:
 *                                              the first is cold, the rest show a long-running agent
 * </pre>
 */
public final class DownloadBench {
    public static void main(String[] args) throws UpdaterException, IOException {
        if (args.length != 4 && args.length != 5) {
            System.err.println("usage: DownloadBench URL SIZE SHA256 DIR [REPEAT]");
            System.exit(2);
        }
        DownloadRequest request = new DownloadRequest(URI.create(args[0]), Long.parseLong(args[1]), new Sha256(args[2]),
                Path.of(args[3]), "bench.bin");
        int repeat = args.length == 5 ? Integer.parseInt(args[4]) : 1;
        Downloader downloader = new Downloader(DownloadOptions.defaults());
        for (int i = 1; i <= repeat; i++) {
            Files.deleteIfExists(request.target());
            long start = System.nanoTime();
            VerifiedFile file = downloader.download(request, DownloadListener.NONE, Cancellation.none());
            long millis = (System.nanoTime() - start) / 1_000_000;
            if (file.size() != request.expectedSize()) {
                throw new IllegalStateException("unexpected size " + file.size());
            }
            if (repeat > 1) {
                System.out.printf("in-JVM download %d of %d: %d ms (%.0f MiB/s)%n", i, repeat, millis,
                        file.size() / 1048576.0 / (millis / 1000.0));
            }
        }
    }
}
