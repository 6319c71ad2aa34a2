package dev.updater.sidecar.selfupdate;

import dev.updater.core.UpdaterException;
import dev.updater.core.download.DownloadOptions;
import dev.updater.core.policy.Decision;
import dev.updater.core.text.HumanUnits;
import dev.updater.core.text.Printable;
import dev.updater.sidecar.channel.ChannelOffer;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The {@code Updater:} line of {@code status}: the updater's own version and whether its channel
 * offers a newer one. Polite to the channel: at most one check a day per user (the result, failures
 * included, is kept in {@link SelfUpdateState}), short timeouts, and never a failure of
 * {@code status} itself. Off with {@code status --no-self-check} or {@code UPDATER_NO_SELF_CHECK=1}.
 */
public final class DailySelfCheck {
    /** The environment variable that turns the check off (any value but empty or "0"). */
    public static final String OPT_OUT_ENV = "UPDATER_NO_SELF_CHECK";
    static final Duration INTERVAL = Duration.ofDays(1);

    private DailySelfCheck() {
    }

    /** True when {@link #OPT_OUT_ENV} turns the check off. */
    public static boolean optedOutByEnvironment() {
        String value = System.getenv(OPT_OUT_ENV);
        return value != null && !value.isBlank() && !value.strip().equals("0");
    }

    /** The text after {@code Updater:}. */
    public static String line(boolean check, Clock clock) {
        String version = Optional.ofNullable(DailySelfCheck.class.getPackage().getImplementationVersion())
                .map(v -> "updater-sidecar " + v).orElse("updater-sidecar development build");
        Optional<SelfUpdateChannel> channel;
        try {
            channel = SelfUpdateChannel.builtIn();
        } catch (UpdaterException e) {
            return version + "; " + Printable.of(e.getMessage(), Printable.MAX_LINE_LENGTH);
        }
        if (channel.isEmpty()) {
            return version + " (no self-update channel built in)";
        }
        if (!check) {
            return version + " (newer versions not checked: " + OPT_OUT_ENV + " or --no-self-check)";
        }
        SelfUpdateState state = SelfUpdateState.forUser();
        try {
            state.home();
        } catch (UpdaterException e) {
            // a check that cannot be remembered would be repeated by every status: none then
            return version + "; newer versions not checked: " + Printable.of(e.getMessage(), Printable.MAX_LENGTH);
        }
        SelfUpdateState.LastCheck last = fresh(state, channel.get(), clock.instant());
        if (last == null) {
            last = checkNow(state, channel.get(), clock);
        }
        String when = " (checked " + HumanUnits.time(last.at()) + ")";
        if (last.error() != null) {
            return version + "; could not check for a newer one: " + Printable.of(last.error(), Printable.MAX_LENGTH)
                    + when;
        }
        if (last.latest() != null) {
            return version + "; " + Printable.of(last.latest()) + " is available: run 'updater-sidecar self-update'"
                    + when;
        }
        return version + ", the latest" + when;
    }

    /** The last check when it was of this channel, by this version, less than a day ago. */
    private static SelfUpdateState.LastCheck fresh(SelfUpdateState state, SelfUpdateChannel channel, Instant now) {
        return state.lastCheck().filter(c -> channel.manifest().toString().equals(c.manifest())
                        && String.valueOf(DailySelfCheck.class.getPackage().getImplementationVersion()).equals(c.running())
                        && c.at() != null && !c.at().isAfter(now) && c.at().plus(INTERVAL).isAfter(now))
                .orElse(null);
    }

    private static SelfUpdateState.LastCheck checkNow(SelfUpdateState state, SelfUpdateChannel channel, Clock clock) {
        String running = DailySelfCheck.class.getPackage().getImplementationVersion();
        SelfUpdateState.LastCheck result;
        try {
            DownloadOptions quick = DownloadOptions.defaults().withConnectTimeout(Duration.ofSeconds(3))
                    .withStallTimeout(Duration.ofSeconds(5)).withRetries(0);
            ChannelOffer.Offer offer = new SelfUpdate(UpdaterInstall.running(), channel, state, quick, clock, w -> { })
                    .check();
            result = new SelfUpdateState.LastCheck(channel.manifest().toString(), running, clock.instant(),
                    offer.decision() instanceof Decision.Install ? offer.manifest().version().toString() : null,
                    offer.decision() instanceof Decision.Refused refused ? refused.message() : null);
        } catch (UpdaterException e) {
            result = new SelfUpdateState.LastCheck(channel.manifest().toString(), running, clock.instant(), null,
                    e.getMessage());
        }
        try {
            state.lastCheck(result);
        } catch (UpdaterException e) {
            // not remembered: the next status checks again; what it found is still shown
        }
        return result;
    }
}
