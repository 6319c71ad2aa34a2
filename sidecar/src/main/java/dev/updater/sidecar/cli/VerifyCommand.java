package dev.updater.sidecar.cli;

import dev.updater.core.UpdaterException;
import dev.updater.core.signature.TrustedKey;
import dev.updater.core.text.Printable;
import dev.updater.sidecar.channel.ChannelVerifier;
import dev.updater.sidecar.channel.KeyFiles;
import dev.updater.sidecar.ExitCode;
import dev.updater.sidecar.cli.ExitCodes.Code;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code updater-sidecar verify}: checks a release channel as a host would. */
@Command(
        name = "verify",
        sortOptions = false,
        description = {
                "Checks a release channel the way a host would: the manifest's signature against the given keys,"
                        + " its fields and its expiry, and with --artifacts each artifact's size and SHA-256.",
                "A manifest whose signature fails is not read any further. In a channel directory, artifacts are"
                        + " read only from regular files inside it. There, manifest.json (with its .sig) and"
                        + " manifest.signed must carry the same manifest, each with a valid signature; for a URL"
                        + " ending with either name, the other is fetched from the same folder (a 404 is noted,"
                        + " not a problem).",
                "Prints what holds, then one line per problem. Run it in CI after 'publish' and before the"
                        + " channel goes live."
        },
        footerHeading = "%nExamples:%n",
        footer = {
                "  updater-sidecar verify --manifest ./channel/manifest.json --key-file keys/updater.pub --artifacts",
                "  updater-sidecar verify --manifest https://releases.example.com/app/manifest.json \\",
                "      --key ed25519:MCowBQYDK2VwAyEA..."
        })
@ExitCodes({
        @Code(value = ExitCode.OK, means = "everything checked holds"),
        @Code(value = ExitCode.FAILED, means = "a problem was found (one line each), or the channel could not be read"),
        @Code(ExitCode.USAGE)})
final class VerifyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    HelpOption help;

    @Option(names = "--manifest", paramLabel = "URL|PATH", required = true,
            description = "The manifest to check: an http(s) URL, a manifest.json or manifest.signed path, or a"
                    + " channel directory. Its signature is read from the same place with .sig added (from line 2 of"
                    + " a manifest.signed). Example: --manifest ./channel")
    String manifest;

    @Option(names = "--key", paramLabel = "ed25519:KEY", converter = ChannelTrustOptions.KeyText.class,
            description = "A trusted public key, as printed by 'keygen'; repeatable (key rotation: any one"
                    + " suffices). Example: --key ed25519:MCowBQYDK2VwAyEA...")
    List<TrustedKey> keys = new ArrayList<>();

    @Option(names = "--key-file", paramLabel = "PUB",
            description = "A trusted public key file (updater.pub, or an OpenSSL PEM public key); repeatable."
                    + " Example: --key-file keys/updater.pub")
    List<Path> keyFiles = new ArrayList<>();

    @Option(names = "--artifacts",
            description = "Also read every artifact and check its size and SHA-256 (downloads them for a URL)."
                    + " Default: false.")
    boolean artifacts;

    @Override
    public Integer call() throws UpdaterException {
        List<TrustedKey> trusted = trustedKeys();
        ChannelVerifier.ChannelReader reader = ChannelReaders.forLocation(manifest);
        ChannelVerifier.Report report = new ChannelVerifier(reader).verify(trusted, artifacts, Instant.now());

        PrintWriter out = spec.commandLine().getOut();
        for (String line : report.checked()) {
            out.println("ok       " + printable(line));
        }
        for (String line : report.notes()) {
            out.println("note     " + printable(line));
        }
        out.flush();
        if (report.verified()) {
            out.println("Verified " + printable(reader.manifestLocation()) + ": release " + report.manifest().version() + ".");
            out.flush();
            return ExitCode.OK.code();
        }
        PrintWriter err = spec.commandLine().getErr();
        for (String problem : report.problems()) {
            err.println("PROBLEM  " + printable(problem));
        }
        err.println("Not verified: " + report.problems().size() + " problem(s) in "
                + printable(reader.manifestLocation()) + ".");
        err.flush();
        return ExitCode.FAILED.code();
    }

    /** Lines quote the channel's manifest, its URLs and what its server answered. */
    private static String printable(String line) {
        return Printable.of(line, Printable.MAX_LINE_LENGTH);
    }

    private List<TrustedKey> trustedKeys() throws UpdaterException {
        if (keys.isEmpty() && keyFiles.isEmpty()) {
            throw new ParameterException(spec.commandLine(),
                    "Missing trusted key: give --key ed25519:... or --key-file updater.pub");
        }
        List<TrustedKey> trusted = new ArrayList<>(keys);
        for (Path file : keyFiles) {
            trusted.add(KeyFiles.readPublicKey(file));
        }
        return trusted;
    }

    /** Chooses how to read the channel from what the operator typed. */
    static final class ChannelReaders {
        private ChannelReaders() {
        }

        static ChannelVerifier.ChannelReader forLocation(String location) throws UpdaterException {
            String lower = location.toLowerCase(java.util.Locale.ROOT);
            if (lower.startsWith("http://") || lower.startsWith("https://")) {
                return dev.updater.sidecar.channel.RemoteChannel.open(location);
            }
            Path path = Path.of(location);
            if (Files.isDirectory(path)) {
                path = path.resolve("manifest.json");
            }
            return ChannelVerifier.directory(path);
        }
    }
}
