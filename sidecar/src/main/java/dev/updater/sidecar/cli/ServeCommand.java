package dev.updater.sidecar.cli;

import dev.updater.core.UpdaterException;
import dev.updater.core.text.Printable;
import dev.updater.sidecar.serve.ReleaseServer;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import dev.updater.sidecar.ExitCode;
import dev.updater.sidecar.cli.ExitCodes.Code;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code updater-sidecar serve DIR}: serves a release directory read-only over HTTP until stopped. */
@Command(
        name = "serve",
        description = {
                "Serves a release directory (manifest.json, manifest.json.sig and the artifacts, as written by "
                        + "'publish') read-only over HTTP, with ETag, Last-Modified, Range and HEAD.",
                "Meant for demos and small installs; in production any static web server or CDN can serve the "
                        + "same files. Logs one line per request; stops on Ctrl+C or SIGTERM."
        },
        footerHeading = "%nExamples:%n",
        footer = {
                "  updater-sidecar serve ./releases",
                "  updater-sidecar serve ./releases --port 0",
                "  updater-sidecar serve /srv/releases --bind 0.0.0.0 --port 9000"
        })
@ExitCodes({
        @Code(value = ExitCode.FAILED, means = "the directory or the address cannot be served (the message says why)"),
        @Code(ExitCode.USAGE),
        @Code(value = ExitCode.INTERRUPTED, means = "stopped by Ctrl+C, once the downloads in progress finished (2 s"
                + " at most); it serves until then"),
        @Code(value = ExitCode.TERMINATED, means = "stopped by SIGTERM, once the downloads in progress finished (2 s"
                + " at most)")})
final class ServeCommand implements Callable<Integer> {
    /** Responses in progress get this long to finish when the server is stopped. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(2);

    @Spec
    CommandSpec spec;

    @Mixin
    HelpOption help;

    @Parameters(
            index = "0",
            paramLabel = "DIR",
            description = "The release directory to serve, as written by 'publish --out'. Example: ./releases")
    Path directory;

    private int port;

    @Option(
            names = "--bind",
            paramLabel = "ADDR",
            defaultValue = "127.0.0.1",
            description = "The IP address to listen on; 0.0.0.0 listens on every interface (see the security "
                    + "notes in docs/serve.md). Default: ${DEFAULT-VALUE}. Example: --bind 0.0.0.0")
    InetAddress bind;

    @Option(
            names = "--port",
            paramLabel = "PORT",
            defaultValue = "8080",
            description = "The TCP port to listen on, 0 to pick a free one (the URL printed at start tells "
                    + "which). Default: ${DEFAULT-VALUE}. Example: --port 9000")
    void setPort(int value) {
        if (value < 0 || value > 65535) {
            throw new ParameterException(spec.commandLine(),
                    "Invalid value for option '--port': " + value + " is not a port (0 to 65535)");
        }
        port = value;
    }

    /**
     * Serves until the JVM is asked to stop; a directory or address that cannot be served throws
     * {@link UpdaterException}, which {@link ErrorReporting} prints as its one sentence (exit 1).
     */
    @Override
    public Integer call() throws UpdaterException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        ReleaseServer server = ReleaseServer.start(directory, new InetSocketAddress(bind, port), line -> {
            out.println(Printable.of(line, Printable.MAX_LINE_LENGTH)); // lines quote what clients sent
            out.flush();
        });
        out.println("Serving " + directory + " at " + server.uri());
        out.println("Press Ctrl+C to stop.");
        out.flush();

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop(STOP_GRACE);
            out.println("Stopped serving " + directory + ".");
            out.flush();
            stopped.countDown();
        }, "serve-shutdown"));
        // The server's threads do the work; this one only waits for SIGINT or SIGTERM.
        stopped.await();
        return ExitCode.OK.code();
    }
}
