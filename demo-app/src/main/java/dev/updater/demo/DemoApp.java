package dev.updater.demo;

import java.io.PrintStream;
import java.util.List;
import java.util.OptionalInt;

/**
 * {@code java -jar demo-app-1.0.0.jar [--port PORT] [--bind ADDR] [--data FILE]}: a small HTTP
 * service that shows its version, uptime, the version it was updated from and a visit counter.
 * See {@link Options#HELP} and docs/demo-app.md.
 */
public final class DemoApp {

    private DemoApp() {
    }

    public static void main(String[] args) {
        // Empty while serving: the HTTP server's thread keeps the JVM alive until SIGTERM.
        launch(List.of(args), System.out, System.err).ifPresent(System::exit);
    }

    /** Starts serving and returns nothing, or returns the exit status when it should not serve. */
    static OptionalInt launch(List<String> args, PrintStream out, PrintStream err) {
        if (args.contains("--help") || args.contains("-h")) {
            out.print(Options.HELP);
            return OptionalInt.of(ExitCode.OK);
        }
        if (args.contains("--version")) {
            out.println("demo-app " + ThisRelease.manifestVersion().orElse("(no version: not run from a release jar)"));
            return OptionalInt.of(ExitCode.OK);
        }
        Options options;
        try {
            options = Options.parse(args);
        } catch (UsageError e) {
            err.println("demo-app: " + e.getMessage());
            err.println(Options.SYNOPSIS);
            err.println(Options.HELP_HINT);
            return OptionalInt.of(ExitCode.USAGE);
        }
        try {
            DemoService service = DemoService.start(ThisRelease.read(), options, out, err);
            Runtime.getRuntime().addShutdownHook(new Thread(service::stop, "demo-app-stop"));
            out.println(service.announcement());
            out.flush();
            return OptionalInt.empty();
        } catch (StartupFailure e) {
            err.println(ThisRelease.manifestVersion().map(v -> "demo-app " + v + ": ").orElse("demo-app: ")
                    + e.getMessage());
            return OptionalInt.of(ExitCode.FAILURE);
        }
    }
}
