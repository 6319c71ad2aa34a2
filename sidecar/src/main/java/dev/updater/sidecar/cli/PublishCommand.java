package dev.updater.sidecar.cli;

import dev.updater.core.text.HumanUnits;
import dev.updater.core.UpdaterException;
import dev.updater.core.manifest.Artifact;
import dev.updater.core.platform.PlatformKeys;
import dev.updater.core.version.ReleaseVersion;
import dev.updater.sidecar.channel.PublishRequest;
import dev.updater.sidecar.channel.Publisher;
import dev.updater.sidecar.channel.ReleasePromoter;
import dev.updater.sidecar.channel.ReleaseResigner;
import dev.updater.sidecar.ExitCode;
import dev.updater.sidecar.cli.ExitCodes.Code;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code updater-sidecar publish}: writes a signed release into a channel directory. */
@Command(
        name = "publish",
        sortOptions = false,
        description = {
                "Publishes a release: copies the artifacts into DIR/VERSION/KEY/, then writes and signs"
                        + " DIR/manifest.json, DIR/manifest.json.sig and DIR/manifest.signed (both in one file, one"
                        + " GET per check for agents that read it; each replaced atomically, signature first).",
                "Serve DIR with any static web server or CDN, or with 'updater-sidecar serve DIR'. Files are"
                        + " written world-readable (0644, folders 0755); a --key inside DIR is refused.",
                "The manifest expires 30 days after its release date unless --expires-in says otherwise;"
                        + " 'publish --resign' renews the expiry of the release DIR offers without a new version"
                        + " (run it on a schedule, see docs/publishing.md)."
        },
        footerHeading = "%nExamples:%n",
        footer = {
                "  updater-sidecar publish --version 1.3.0 --artifact any=target/app.jar --key keys/updater.key \\",
                "      --out ./channel --feature 'Dark mode' --fix 'Login timeout' --expires-in 30d",
                "  updater-sidecar publish --version 2.0.0 --artifact linux-x64=build/app-linux \\",
                "      --artifact windows-x64=build/app.exe --key keys/updater.key --out ./channel \\",
                "      --base-url https://cdn.example.com/app/ --breaking --rollout 10",
                "  updater-sidecar publish --resign --key keys/updater.key --out ./channel --expires-in 30d",
                "  updater-sidecar publish --version 1.3.0 --artifact any=app.jar --key keys/updater.key --out ./releases \\",
                "      --channel beta --rollout-schedule 1%@0h,10%@6h,50%@24h,100%@48h",
                "  updater-sidecar publish --promote 1.3.0 --from beta --to stable --key keys/updater.key --out ./releases",
                "  updater-sidecar publish --halt 1.3.0 --channel stable --key keys/updater.key --out ./releases",
                "  updater-sidecar publish --revert-to 1.2.0 --version 1.3.1 --channel stable --key keys/updater.key \\",
                "      --out ./releases"
        })
@ExitCodes({
        @Code(value = ExitCode.OK, means = "the release was published (or re-signed)"),
        @Code(value = ExitCode.FAILED, means = "nothing was published (the message says why: a missing artifact, a"
                + " version not newer, an expiry in the past, a key inside DIR, ...)"),
        @Code(ExitCode.USAGE)})
final class PublishCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    HelpOption help;

    /** Expiry of a manifest when --expires-in is not given: a captured manifest replays for a month at most. */
    static final Duration DEFAULT_EXPIRY = Duration.ofDays(30);

    /** The options that shape a new release, which --resign (renew the expiry only) refuses. */
    private static final List<String> RELEASE_OPTIONS = List.of("--version", "--artifact", "--base-url", "--feature",
            "--fix", "--min-version", "--breaking", "--release-date", "--rollout", "--force", "--no-expiry",
            "--allow-version-mismatch", "--rollout-schedule", "--rollout-salt", "--mirror");

    @Option(names = "--version", paramLabel = "V", converter = Converters.Version.class,
            description = "The release's semantic version; must be newer than the one already in DIR. Required"
                    + " unless --resign, --halt or --promote. Example: --version 1.3.0")
    ReleaseVersion version;

    @Option(names = "--artifact", paramLabel = "KEY=PATH", converter = ArtifactSpec.Converter.class,
            description = "An artifact and its platform key: any, linux-x64, linux-arm64, darwin-x64,"
                    + " darwin-arm64 or windows-x64. Repeat for each platform. Required unless --resign,"
                    + " --halt, --promote or --revert-to. A .zip, .tar.gz or .tgz file is published as an archive"
                    + " (\"format\" in the manifest) that hosts unpack into a release folder."
                    + " Example: --artifact any=app.jar, --artifact any=app-1.3.0.zip")
    List<ArtifactSpec> artifacts = new ArrayList<>();

    @Option(names = "--config", paramLabel = "PATH",
            description = "A file inside the archive artifacts (.zip, .tar.gz, .tgz) that operators may edit, as the"
                    + " archive names it; repeatable. An install keeps such a file when the operator changed it and"
                    + " writes the release's own beside it as <name>.new. Default: none."
                    + " Example: --config config/app.properties")
    List<String> config = new ArrayList<>();

    @Option(names = "--key", paramLabel = "KEYFILE", required = true,
            description = "The private key file written by 'keygen' (or an OpenSSL Ed25519 PEM key); never"
                    + " inside DIR, which is served to everyone. Example: --key keys/updater.key")
    Path keyFile;

    @Option(names = "--out", paramLabel = "DIR", required = true,
            description = "The channel directory to write into; created if missing. With --channel, --from or --to,"
                    + " the channel root, one folder per channel. Example: --out ./channel")
    Path out;

    @Option(names = "--base-url", paramLabel = "URL", converter = Converters.BaseUrl.class,
            description = "Write absolute artifact URLs under this URL (for a CDN that serves artifacts apart from"
                    + " the manifest). Default: URLs relative to the manifest. Example: --base-url https://cdn.example.com/app/")
    URI baseUrl;

    @Option(names = "--feature", paramLabel = "TEXT",
            description = "A changelog line under \"features\"; repeatable. Example: --feature 'Dark mode'")
    List<String> features = new ArrayList<>();

    @Option(names = "--fix", paramLabel = "TEXT",
            description = "A changelog line under \"fixes\"; repeatable. Example: --fix 'Login timeout'")
    List<String> fixes = new ArrayList<>();

    @Option(names = "--min-version", paramLabel = "V", converter = Converters.Version.class,
            description = "The oldest version that may update straight to this one; older hosts are told to"
                    + " install an intermediate release. Default: none. Example: --min-version 1.0.0")
    ReleaseVersion minVersion;

    @Option(names = "--breaking",
            description = "Mark the release as breaking: hosts stage it but install it only after an operator's"
                    + " 'apply' (or with allow-breaking=true). Default: false.")
    boolean breaking;

    @Option(names = "--release-date", paramLabel = "ISO", converter = Converters.Timestamp.class,
            description = "The release date to record. Default: now. Example: --release-date 2026-02-07T12:00:00Z")
    Instant releaseDate;

    @Option(names = "--expires-in", paramLabel = "DURATION", converter = Converters.Span.class,
            description = "Hosts refuse the manifest this long after the release date (with --resign: after"
                    + " now). Defends against a frozen or replayed channel: renew it before then with --resign."
                    + " Default: 30d. Example: --expires-in 14d")
    Duration expiresIn;

    @Option(names = "--no-expiry",
            description = "Write a manifest that never expires (not recommended: a captured manifest can then be"
                    + " replayed to hosts forever, hiding every later release). Prints a warning. Default: false."
                    + " Example: --no-expiry")
    boolean noExpiry;

    @Option(names = "--resign",
            description = "Re-sign the release DIR offers with a fresh expiry (now plus --expires-in), changing"
                    + " nothing else: same version, fields and artifacts. Takes only --out, --key and --expires-in;"
                    + " refuses a manifest whose signature does not verify with --key. Default: false."
                    + " Example: --resign")
    boolean resign;

    @Option(names = "--rollout", paramLabel = "PERCENT", converter = Converters.Percent.class,
            description = "Offer the release to this percentage of hosts (0 to 100), chosen by a stable hash of"
                    + " the host id: the same hosts first for every release (see --rollout-salt). Not with"
                    + " --rollout-schedule. Default: 100. Example: --rollout 25")
    Double rollout;

    @Option(names = "--force",
            description = "Replace a manifest of an equal or newer version, or an artifact file of the same name."
                    + " Default: false.")
    boolean force;

    @Option(names = "--allow-version-mismatch",
            description = "Publish an artifact whose own version (a jar's Implementation-Version, or a version at the"
                    + " end of its file name) differs from --version. Default: false: such an artifact is refused,"
                    + " because it would report the other version on every host that runs it.")
    boolean allowVersionMismatch;

    /** Channels, waves, halt, promote, revert: listed after the options of a plain release. */
    @Mixin
    FleetPublishOptions fleet;

    @Mixin
    MirrorOptions mirrors;

    @Override
    public Integer call() throws UpdaterException {
        fleet.checkOneAction(spec, resign);
        fleet.refuseKeyInRoot(keyFile, out);
        if (resign) {
            return resign();
        }
        if (fleet.halt != null) {
            refuse("--halt", RELEASE_OPTIONS, List.of("--expires-in"));
            return fleet.halt(spec, out, keyFile);
        }
        checkReleaseOptions();
        Map<String, Path> byKey = new LinkedHashMap<>();
        for (ArtifactSpec spec : artifacts) {
            if (byKey.put(spec.key(), spec.path()) != null) {
                throw new ParameterException(this.spec.commandLine(),
                        "Platform key '" + spec.key() + "' is given twice in --artifact");
            }
        }
        PublishRequest request = new PublishRequest(fleet.promote != null ? fleet.promote : version, byKey, keyFile,
                fleet.promote != null ? out.resolve(fleet.to.name()) : fleet.folder(out), baseUrl, features, fixes,
                minVersion, breaking, releaseDate, noExpiry ? null : expiresInOrDefault(), rollout, force,
                allowVersionMismatch, fleet.schedule, fleet.salt, config,
                mirrors.folders(spec, fleet.promote != null ? fleet.to : fleet.channel));
        Publisher.Result result = fleet.promote != null
                ? fleet.promote(spec, out, request)
                : fleet.revertTo != null
                ? new ReleasePromoter(Clock.systemUTC()).revert(request.outDir(), fleet.revertTo, request).published()
                : new Publisher(Clock.systemUTC()).publish(request);
        printSummary(result);
        PrintWriter stderr = spec.commandLine().getErr();
        result.warnings().forEach(warning -> stderr.println("Warning: " + warning));
        if (noExpiry) {
            stderr.println("Warning: --no-expiry: this manifest never expires. Whoever captures it can replay it to"
                    + " hosts forever and hide every later release from them (a freeze attack). Prefer the default"
                    + " 30-day expiry, renewed on a schedule with 'publish --resign' (see docs/publishing.md).");
        }
        stderr.flush();
        return ExitCode.OK.code();
    }

    /** {@code publish --resign}: a fresh expiry for the release DIR offers, nothing else changed. */
    private int resign() throws UpdaterException {
        List<String> given = RELEASE_OPTIONS.stream()
                .filter(name -> spec.commandLine().getParseResult().hasMatchedOption(name))
                .toList();
        if (!given.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--resign renews only the expiry of the release in"
                    + " --out; it cannot be combined with " + String.join(", ", given) + ". Drop "
                    + (given.size() == 1 ? "it" : "them") + ", or publish a new release without --resign.");
        }
        Path folder = fleet.folder(out);
        ReleaseResigner.Result result = new ReleaseResigner(Clock.systemUTC()).resign(folder, keyFile, expiresInOrDefault());
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.println("Re-signed " + result.manifest().version() + " in " + folder + "; only its expiry changed");
        stdout.println("  expires       " + HumanUnits.time(result.manifest().expires()) + " (was "
                + (result.previousExpires() == null ? "never" : HumanUnits.time(result.previousExpires()))
                + "; re-sign again before then, or hosts refuse the channel)");
        stdout.println("Signed by key " + result.signedBy().id() + " (" + result.signedBy().text() + ")");
        stdout.println("Wrote " + result.manifestFile() + ", " + result.signatureFile() + " and "
                + result.manifestFile().resolveSibling(Publisher.SIGNED_FILE));
        stdout.flush();
        return ExitCode.OK.code();
    }

    /** The options of {@code list} given on the command line besides {@code extra}: those {@code action} refuses. */
    private void refuse(String action, List<String> list, List<String> extra) {
        List<String> given = java.util.stream.Stream.concat(list.stream(), extra.stream())
                .filter(name -> spec.commandLine().getParseResult().hasMatchedOption(name)).toList();
        if (!given.isEmpty()) {
            throw new ParameterException(spec.commandLine(), action + " cannot be combined with "
                    + String.join(", ", given) + "; drop " + (given.size() == 1 ? "it" : "them"));
        }
    }

    private void checkReleaseOptions() {
        if (fleet.promote != null) {
            refuse("--promote", List.of("--version", "--artifact", "--feature", "--fix", "--min-version", "--breaking",
                    "--allow-version-mismatch", "--channel"), List.of());
            fleet.checkPromote(spec);
            return;
        }
        if (fleet.revertTo != null && !artifacts.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--revert-to publishes the artifacts of "
                    + fleet.revertTo + "; drop --artifact");
        }
        List<String> missing = new ArrayList<>();
        if (version == null) {
            missing.add("'--version=V'");
        }
        if (artifacts.isEmpty() && fleet.revertTo == null) {
            missing.add("'--artifact=KEY=PATH'");
        }
        if (!missing.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "Missing required option" + (missing.size() == 1 ? "" : "s")
                    + ": " + String.join(", ", missing) + " (or --resign to renew the expiry of the release in --out)");
        }
        if (noExpiry && expiresIn != null) {
            throw new ParameterException(spec.commandLine(),
                    "--no-expiry and --expires-in contradict each other; give one of them");
        }
    }

    private Duration expiresInOrDefault() {
        return expiresIn == null ? DEFAULT_EXPIRY : expiresIn;
    }

    private void printSummary(Publisher.Result result) {
        PrintWriter stdout = spec.commandLine().getOut();
        if (result.replaced() != null) {
            stdout.println("Published " + result.manifest().version() + " (replacing " + result.replaced().version()
                    + ") into " + result.manifestFile().getParent() + fleet.origin());
        } else {
            stdout.println("Published " + result.manifest().version() + " into " + result.manifestFile().getParent()
                    + fleet.origin());
        }
        for (Map.Entry<String, Artifact> entry : result.manifest().binaries().entrySet()) {
            Artifact a = entry.getValue();
            stdout.printf("  %-13s %s  %s  sha256 %s%n", entry.getKey(), a.url(), HumanUnits.bytes(a.size()), a.sha256());
            MirrorOptions.printMirrors(stdout, a);
            if (a.format() != null) {
                stdout.printf("  %-13s %s archive, unpacked into a release folder%s%n", "", a.format(),
                        a.config().isEmpty() ? "" : "; config kept when changed: " + String.join(", ", a.config()));
            }
            if (a.index() != null) {
                stdout.printf("  %-13s %s  %s, objects under %s (delta downloads)%n", "", a.index().url(),
                        HumanUnits.bytes(a.index().size()), a.index().objects());
            }
        }
        if (result.manifest().expires() != null) {
            stdout.println("  expires       " + HumanUnits.time(result.manifest().expires())
                    + " (renew it before then with 'publish --resign', or hosts refuse the channel)");
        } else {
            stdout.println("  expires       never");
        }
        FleetPublishOptions.printRollout(stdout, result.manifest().rollout(), result.manifest().releaseDate());
        if (result.manifest().breakingChanges()) {
            stdout.println("  breaking      hosts stage it and wait for 'updater-sidecar apply'");
        }
        stdout.println("Signed by key " + result.signedBy().id() + " (" + result.signedBy().text() + ")");
        stdout.println("Wrote " + result.manifestFile() + ", " + result.signatureFile() + " and "
                + result.manifestFile().resolveSibling(Publisher.SIGNED_FILE));
        stdout.flush();
    }

    /** One {@code --artifact KEY=PATH}. */
    record ArtifactSpec(String key, Path path) {
        static final class Converter implements ITypeConverter<ArtifactSpec> {
            @Override
            public ArtifactSpec convert(String value) {
                int eq = value.indexOf('=');
                if (eq <= 0 || eq == value.length() - 1) {
                    throw new TypeConversionException("'" + value + "' is not KEY=PATH, for example any=target/app.jar");
                }
                String key = PlatformKeys.normalize(value.substring(0, eq));
                if (key == null || !PlatformKeys.KNOWN.contains(key)) {
                    throw new TypeConversionException("'" + value.substring(0, eq) + "' is not a platform key; use one of "
                            + String.join(", ", PlatformKeys.KNOWN.stream().sorted().toList()));
                }
                return new ArtifactSpec(key, Path.of(value.substring(eq + 1)));
            }
        }
    }
}
