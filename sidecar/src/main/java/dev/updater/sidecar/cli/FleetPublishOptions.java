package dev.updater.sidecar.cli;

import dev.updater.core.manifest.ChannelName;
import dev.updater.core.manifest.Rollout;
import dev.updater.core.manifest.RolloutSchedule;
import dev.updater.core.text.HumanUnits;
import dev.updater.core.version.ReleaseVersion;
import dev.updater.core.UpdaterException;
import dev.updater.sidecar.ExitCode;
import dev.updater.sidecar.channel.PrivateKeyFiles;
import dev.updater.sidecar.channel.PublishRequest;
import dev.updater.sidecar.channel.Publisher;
import dev.updater.sidecar.channel.ReleaseHalter;
import dev.updater.sidecar.channel.ReleasePromoter;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The options of {@code publish} for fleets (DESIGN §11, docs/fleet.md): channels, waves, the kill
 * switch, promotion and revert. With {@code --channel}, {@code --from} or {@code --to}, {@code --out}
 * is the channel root and each channel is the folder {@code <root>/<name>/}.
 */
final class FleetPublishOptions {
    @Option(names = "--channel", paramLabel = "NAME", converter = Channel.class,
            description = "Publish into the channel NAME: the folder DIR/NAME/ under the channel root --out, read by"
                    + " agents with channel=NAME and manifest=<URL of DIR>/. Also picks the channel for --resign,"
                    + " --halt and --revert-to. Default: none (--out is the channel itself). Example: --channel beta")
    ChannelName channel;

    @Option(names = "--rollout-schedule", paramLabel = "WAVES", converter = Schedule.class,
            description = "Roll out in waves: PERCENT%%@TIME steps after the release date, evaluated by every agent"
                    + " (no re-publishing per step). Times strictly rise, shares strictly rise up to 100."
                    + " Not with --rollout. Default: none. Example: --rollout-schedule 1%%@0h,10%%@6h,50%%@24h,100%%@48h")
    RolloutSchedule schedule;

    @Option(names = "--rollout-salt", paramLabel = "TEXT",
            description = "Draw other hosts for a partial rollout: a host's bucket is a hash of its host id and this"
                    + " salt, the same for every release while the salt stays. Default: none (the same canaries"
                    + " every release). Example: --rollout-salt 2026-q2")
    String salt;

    @Option(names = "--halt", paramLabel = "V", converter = Converters.Version.class,
            description = "Kill switch: re-sign the manifest of the release V the channel offers with"
                    + " rollout.halted. Hosts that have not installed V do not, agents drop a staged copy, hosts that"
                    + " installed it keep it (revert them with --revert-to). Takes only --out, --channel and --key."
                    + " Default: none. Example: --halt 1.2.0")
    ReleaseVersion halt;

    @Option(names = "--promote", paramLabel = "V", converter = Converters.Version.class,
            description = "Publish the release V that channel --from offers into channel --to: the same artifact"
                    + " bytes (checked against their signed SHA-256), version and changelog, no rebuild; the new"
                    + " channel's release date (now, or --release-date), rollout and expiry are its own."
                    + " Default: none. Example: --promote 1.3.0 --from beta --to stable")
    ReleaseVersion promote;

    @Option(names = "--from", paramLabel = "NAME", converter = Channel.class,
            description = "With --promote: the channel the release is taken from, DIR/NAME/. Default: none."
                    + " Example: --from beta")
    ChannelName from;

    @Option(names = "--to", paramLabel = "NAME", converter = Channel.class,
            description = "With --promote: the channel the release is published into, DIR/NAME/. Default: none."
                    + " Example: --to stable")
    ChannelName to;

    @Option(names = "--revert-to", paramLabel = "OLD", converter = Converters.Version.class,
            description = "Fleet-wide revert: publish the artifacts of the older release OLD, left in the channel"
                    + " under DIR/OLD/, as the new --version (hosts never downgrade on their own, so a revert is a"
                    + " newer version). Default: none. Example: --revert-to 1.1.0 --version 1.2.1")
    ReleaseVersion revertTo;

    /** Refuses two actions at once: each of them rewrites the same manifest in its own way. */
    void checkOneAction(CommandSpec spec, boolean resign) {
        List<String> actions = new ArrayList<>();
        if (resign) {
            actions.add("--resign");
        }
        if (halt != null) {
            actions.add("--halt");
        }
        if (promote != null) {
            actions.add("--promote");
        }
        if (revertTo != null) {
            actions.add("--revert-to");
        }
        if (actions.size() > 1) {
            throw new ParameterException(spec.commandLine(), String.join(", ", actions) + " are separate actions;"
                    + " give one of them per run");
        }
        if (promote == null && (from != null || to != null)) {
            throw new ParameterException(spec.commandLine(), "--from and --to name the channels of --promote; add"
                    + " --promote V, or use --channel to publish into one channel");
        }
    }

    /**
     * Threat: a signing key kept in the channel root beside the channel folders, served with them. Each
     * action refuses a key inside its own channel folder; with channels, the whole root is served.
     */
    void refuseKeyInRoot(Path keyFile, Path out) throws UpdaterException {
        if (channel != null || from != null || to != null) {
            PrivateKeyFiles.refuseInsideChannel(keyFile, out, "Nothing was written");
        }
    }

    void checkPromote(CommandSpec spec) {
        if (from == null || to == null) {
            throw new ParameterException(spec.commandLine(), "--promote " + promote + " needs --from and --to, the"
                    + " channels under --out, for example --from beta --to stable");
        }
        if (from.equals(to)) {
            throw new ParameterException(spec.commandLine(), "--from and --to are both " + from + "; promote into"
                    + " another channel (to renew the expiry of " + from + ", use --resign --channel " + from + ")");
        }
    }

    /** {@code publish --halt V}: the kill switch, with its summary. */
    int halt(CommandSpec spec, Path out, Path keyFile) throws UpdaterException {
        ReleaseHalter.Result result = new ReleaseHalter().halt(folder(out), keyFile, halt);
        PrintWriter stdout = spec.commandLine().getOut();
        if (result.alreadyHalted()) {
            stdout.println(halt + " in " + result.manifestFile() + " was halted already; nothing was written.");
        } else {
            stdout.println("Halted " + halt + " in " + result.manifestFile().getParent() + ": hosts that have not"
                    + " installed it do not, agents drop a staged copy at their next check, hosts that installed it"
                    + " keep it.");
            stdout.println("  To move installed hosts off " + halt + ", publish a newer version with its predecessor's"
                    + " bytes: 'publish --revert-to OLD --version NEW'" + (channel == null ? "" : " --channel " + channel)
                    + " (docs/fleet.md, incident runbook).");
            stdout.println("Signed by key " + result.signedBy().id() + " (" + result.signedBy().text() + ")");
        }
        stdout.flush();
        return ExitCode.OK.code();
    }

    /** {@code publish --promote V --from A --to B}. */
    Publisher.Result promote(CommandSpec spec, Path out, PublishRequest request) throws UpdaterException {
        return new ReleasePromoter(Clock.systemUTC()).promote(out.resolve(from.name()), promote, request).published();
    }

    /** Where the bytes came from, for the first line of the summary: empty for a plain publish. */
    String origin() {
        if (promote != null) {
            return ", promoted from channel " + from + " with the same artifact bytes";
        }
        return revertTo == null ? "" : ", a revert carrying the artifact bytes of " + revertTo;
    }

    /** The channel folder: {@code out} itself, or {@code out/<channel>}. */
    Path folder(Path out) {
        return channel == null ? out : out.resolve(channel.name());
    }

    /** The rollout line of a summary: a share, waves, or halted. */
    static void printRollout(PrintWriter out, Rollout rollout, Instant releaseDate) {
        if (rollout == null) {
            return;
        }
        if (rollout.halted()) {
            out.println("  rollout       HALTED: no host that lacks it takes it; agents drop a staged copy");
        } else if (rollout.schedule() != null) {
            out.println("  rollout       in waves " + rollout.schedule() + " from " + HumanUnits.time(releaseDate)
                    + " (agents older than schedules take it at " + Rollout.formatPercent(rollout.percent()) + ")");
        } else {
            out.println("  rollout       " + rollout.percent() + " % of hosts");
        }
        if (rollout.salt() != null) {
            out.println("  rollout salt  " + rollout.salt() + " (other hosts than releases without this salt)");
        }
    }

    static final class Channel implements ITypeConverter<ChannelName> {
        @Override
        public ChannelName convert(String value) {
            if (!ChannelName.isValid(value)) {
                throw new TypeConversionException(ChannelName.problem(value));
            }
            return ChannelName.parse(value);
        }
    }

    static final class Schedule implements ITypeConverter<RolloutSchedule> {
        @Override
        public RolloutSchedule convert(String value) {
            try {
                return RolloutSchedule.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
