package dev.updater.sidecar.cli;

import dev.updater.core.UpdaterException;
import dev.updater.sidecar.channel.KeyFiles;
import dev.updater.sidecar.ExitCode;
import dev.updater.sidecar.cli.ExitCodes.Code;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code updater-sidecar keygen --out DIR}: creates the release signing key pair. */
@Command(
        name = "keygen",
        description = {
                "Creates an Ed25519 signing key pair: DIR/updater.key (private, PKCS#8 PEM, mode 0600) and"
                        + " DIR/updater.pub (public, PEM). Prints the public key as the one line the agent's"
                        + " key= option takes.",
                "Keep updater.key secret (a CI secret, a vault); hosts only ever need the public line."
                        + " Never overwrites an existing key."
        },
        footerHeading = "%nExamples:%n",
        footer = {
                "  updater-sidecar keygen --out ./keys"
        })
@ExitCodes({
        @Code(value = ExitCode.OK, means = "the key pair was written"),
        @Code(value = ExitCode.FAILED, means = "it could not be written, or a key already exists there"),
        @Code(ExitCode.USAGE)})
final class KeygenCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    HelpOption help;

    @Option(names = "--out", paramLabel = "DIR", required = true,
            description = "Directory to write updater.key and updater.pub into; created if missing."
                    + " Example: --out ./keys")
    Path out;

    @Override
    public Integer call() throws UpdaterException {
        KeyFiles.Written written = KeyFiles.create(out);
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.println("Wrote private key " + written.privateKey() + " (keep it secret)");
        stdout.println("Wrote public key  " + written.publicKey());
        stdout.println("Key id " + written.key().id() + "; give hosts this line as the agent's key= option:");
        stdout.println(written.key().text());
        stdout.flush();
        return ExitCode.OK.code();
    }
}
