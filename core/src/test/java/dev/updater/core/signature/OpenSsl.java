package dev.updater.core.signature;

import dev.updater.core.testing.ChildProcess;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Runs the {@code openssl} command line, for interoperability tests. */
public final class OpenSsl {
    private OpenSsl() {
    }

    public record Result(int exitCode, String output) {
    }

    public static Result run(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(args));
        ChildProcess.Finished openssl = ChildProcess.run(new ProcessBuilder(command).directory(dir.toFile())
                .redirectErrorStream(true), Duration.ofSeconds(30));
        return new Result(openssl.exitCode(), openssl.out());
    }

    public static String runOk(Path dir, String... args) throws IOException, InterruptedException {
        Result result = run(dir, args);
        if (result.exitCode() != 0) {
            throw new AssertionError("openssl " + String.join(" ", args) + " failed (" + result.exitCode() + "): "
                    + result.output());
        }
        return result.output();
    }
}
