package dev.updater.sidecar.console;

import dev.updater.core.text.HumanUnits;
import dev.updater.core.UpdaterException;
import dev.updater.core.home.StagedRelease;
import dev.updater.core.manifest.Artifact;
import dev.updater.core.manifest.Manifest;
import dev.updater.core.policy.Decision;
import dev.updater.core.text.Printable;
import dev.updater.core.version.ReleaseVersion;
import dev.updater.sidecar.channel.ChannelOffer;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The boxes of the operator's update flow, filled from an {@link ChannelOffer.Offer}. Values that
 * came from the channel or from records a host process wrote (changelog entries, versions, reasons)
 * are each made {@link Printable} and cut to a length that keeps the box readable.
 */
public final class UpdateScreens {
    /** A changelog entry longer than this is cut: a sentence or two, not a page pushing the question off screen. */
    static final int MAX_CHANGELOG_ENTRY = 400;

    private final Screen screen;

    public UpdateScreens(Screen screen) {
        this.screen = screen;
    }

    /** "UPDATE AVAILABLE": versions, age, what's new, size; or why there is nothing to install. */
    public void offer(ChannelOffer.Offer offer, Instant now) throws UpdaterException {
        Manifest m = offer.manifest();
        if (offer.decision() instanceof Decision.UpToDate) {
            screen.box("UP TO DATE", List.of("Installed version: " + Printable.of(offer.installed())
                    + ", the latest release."));
            return;
        }
        if (offer.decision() instanceof Decision.Refused refused) {
            screen.box("NO UPDATE TO INSTALL", List.of("Installed version: " + Printable.of(offer.installed()),
                    "Channel offers:    " + m.version(), "", refused.message()));
            return;
        }
        Artifact artifact = m.artifactFor(offer.platform());
        List<String> lines = new ArrayList<>();
        lines.add("Current version: " + Printable.of(offer.installed()));
        lines.add("New version:     " + m.version()
                + (m.releaseDate() == null ? "" : " (released " + HumanUnits.age(m.releaseDate(), now) + ")"));
        if (!m.changelog().isEmpty()) {
            lines.add("");
            lines.add("What's new:");
            m.changelog().features().forEach(f -> lines.add(screen.feature() + " " + entry(f)));
            m.changelog().fixes().forEach(f -> lines.add(screen.fix() + " " + entry(f)));
        }
        lines.add("");
        lines.add("Download size: " + HumanUnits.size(artifact.size())
                + (offer.alreadyStaged() ? " (already downloaded and verified)" : ""));
        Decision.Install install = (Decision.Install) offer.decision();
        if (install.needsApproval()) {
            lines.add("");
            lines.add("Needs your approval: " + install.message());
        }
        screen.box("UPDATE AVAILABLE", lines);
    }

    /** "UPDATE AVAILABLE" for a release the agent already staged (no network needed). */
    public void staged(ReleaseVersion installed, StagedRelease staged, Instant now) {
        List<String> lines = new ArrayList<>();
        lines.add("Current version: " + (installed == null ? "unknown" : Printable.of(installed)));
        lines.add("New version:     " + Printable.of(staged.version())
                + (staged.releaseDate() == null ? "" : " (released " + HumanUnits.age(staged.releaseDate(), now) + ")"));
        List<String> features = staged.features() == null ? List.of() : staged.features();
        List<String> fixes = staged.fixes() == null ? List.of() : staged.fixes();
        if (!features.isEmpty() || !fixes.isEmpty()) {
            lines.add("");
            lines.add("What's new:");
            features.forEach(f -> lines.add(screen.feature() + " " + entry(f)));
            fixes.forEach(f -> lines.add(screen.fix() + " " + entry(f)));
        }
        lines.add("");
        lines.add("Download size: " + HumanUnits.size(staged.size()) + " (already downloaded and verified)");
        if (staged.needsApproval()) {
            lines.add("");
            lines.add("Needs your approval: " + (staged.approvalReason() == null ? "yes"
                    : Printable.of(staged.approvalReason())));
        }
        screen.box("UPDATE AVAILABLE", lines);
    }

    /**
     * The live "INSTALLING UPDATE" checklist: all {@code steps}, the first {@code done} ticked, and
     * what is happening now; it ticks the others as {@link InstallChecklist#reached} says.
     */
    public InstallChecklist checklist(List<String> steps, int done, String now) {
        return new InstallChecklist(screen, steps, done, now);
    }

    /** "INSTALLING UPDATE": the steps done so far, then what is happening now. */
    public void installing(List<String> doneSteps, String now) {
        List<String> lines = new ArrayList<>();
        doneSteps.forEach(step -> lines.add(screen.done() + " " + step));
        if (now != null) {
            lines.add("");
            lines.add(now);
        }
        screen.box("INSTALLING UPDATE", lines);
    }

    /** "INSTALLING UPDATE" when a step failed: the steps done, the failed one, and why. */
    public void failed(List<String> doneSteps, String failedStep, String why) {
        List<String> lines = new ArrayList<>();
        doneSteps.forEach(step -> lines.add(screen.done() + " " + step));
        lines.add(screen.failed() + " " + failedStep);
        lines.add("");
        lines.add(why);
        screen.box("INSTALLING UPDATE", lines);
    }

    /** The closing box: "Updated from X to Y". */
    public void updated(String from, String to) {
        screen.box("UPDATED", List.of(screen.done() + " Updated from " + Printable.of(from) + " to "
                + Printable.of(to)));
    }

    private static String entry(String changelogEntry) {
        return Printable.of(changelogEntry, MAX_CHANGELOG_ENTRY);
    }
}
