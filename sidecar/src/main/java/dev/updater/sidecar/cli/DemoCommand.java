package dev.updater.sidecar.cli;

import dev.updater.core.home.HomeCleanup;
import dev.updater.sidecar.demo.Demo;
import dev.updater.sidecar.ExitCode;
import dev.updater.sidecar.cli.ExitCodes.Code;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code updater-sidecar demo}: the whole story on this machine, in a temporary folder. */
@Command(
        name = "demo",
        sortOptions = false,
        description = {
                "Runs the guided walkthrough on 127.0.0.1: publishes a signed release of a small web service,"
                        + " runs it under 'run' with the agent, publishes an update that is installed with the visit"
                        + " counter kept, then a broken release that is rolled back and quarantined by itself.",
                "Pauses between scenes so you can open the service in a browser. Everything lives in a"
                        + " temporary folder that is deleted at the end."
        },
        footerHeading = "%nExamples:%n",
        footer = {
                "  updater-sidecar demo",
                "  updater-sidecar demo --non-interactive"
        })
@ExitCodes({
        @Code(value = ExitCode.OK, means = "every scene's outcome was checked and held"),
        @Code(value = ExitCode.FAILED, means = "a scene failed (the last lines of the sidecar's log are shown)"),
        @Code(ExitCode.USAGE)})
final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    HelpOption help;

    @Option(names = "--non-interactive",
            description = "Run straight through without waiting for Enter between scenes. Default: false.")
    boolean nonInteractive;

    @Option(names = "--keep", description = "Keep the temporary folder (keys, channel, home, logs) to look at"
            + " afterwards; its path is printed. Default: false.")
    boolean keep;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path work = Files.createTempDirectory("updater-demo-");
        out.println("updater demo: a running service updated with no change to its code, and a bad release rolled"
                + " back by itself.");
        out.println("Working in " + work);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        Demo demo = new Demo(out, in, !nonInteractive, work, args -> {
            out.println();
            out.println("   $ updater-sidecar " + String.join(" ", args));
            out.flush();
            UpdaterCommand.newCommandLine().setOut(out).setErr(spec.commandLine().getErr()).execute(args);
        });
        boolean passed;
        try {
            passed = demo.run();
        } finally {
            if (keep) {
                out.println("Kept " + work);
            } else {
                HomeCleanup.deleteTreeQuietly(work);
            }
            out.flush();
        }
        return passed ? ExitCode.OK.code() : ExitCode.FAILED.code();
    }
}
