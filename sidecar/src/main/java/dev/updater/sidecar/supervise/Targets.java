package dev.updater.sidecar.supervise;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.home.AgentRecord;
import dev.updater.core.home.InstalledRelease;
import dev.updater.core.home.SwapJournal;
import dev.updater.core.home.UpdateHome;
import dev.updater.sidecar.swap.ReleaseLink;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The target, the file the host runs and an install replaces, comes from the sidecar's side only:
 * {@code run} takes {@code --target}, else the host command's {@code -jar}; {@code watch} and an
 * {@code apply} or {@code rollback} without a sidecar take {@code --target}, else the target of the
 * sidecar's own last install ({@code installed.json}), and that only in a home of the user running
 * the command. Threat: {@code agent.json} is written by the host process; if it chose the target, a
 * compromised app (or a stale record after the app moved) would make the sidecar rename a release
 * over any file it can write, with the sidecar's rights (an operator's {@code sudo apply}: root's).
 * A home record that names another file is refused, naming both.
 */
public final class Targets {
    private Targets() {
    }

    /**
     * The sidecar's target.
     *
     * @param path absolute and normalized
     * @param source where it came from, for messages: {@code --target}, {@code the host command's -jar}, …
     */
    public record Target(Path path, String source) {
        public Target {
            path = Objects.requireNonNull(path, "path").toAbsolutePath().normalize();
            Objects.requireNonNull(source, "source");
        }
    }

    /** {@code run}: {@code --target}, else the {@code -jar} of the host's command; never a record of the home. */
    public static Optional<Target> ofCommand(Path option, List<String> command) {
        if (option != null) {
            return Optional.of(new Target(option, "--target"));
        }
        int jar = command.indexOf("-jar");
        if (jar >= 0 && jar + 1 < command.size()) {
            return Optional.of(new Target(Path.of(command.get(jar + 1)), "the host command's -jar"));
        }
        return Optional.empty();
    }

    /**
     * {@code watch}, {@code apply} and {@code rollback}: {@code --target}, else what the sidecar last
     * installed into ({@code installed.json}, which only a sidecar writes) when the home is the
     * caller's own. A home of another user ({@code --allow-other-owner}) names no target: its records
     * are that user's word.
     *
     * @throws UpdaterException {@code TARGET_UNKNOWN} when neither names one, saying to give {@code --target}
     */
    public static Target ofOptionOrInstalled(Path option, UpdateHome home, boolean ownHome) throws UpdaterException {
        if (option != null) {
            return new Target(option, "--target");
        }
        if (!ownHome) {
            throw new UpdaterException(ErrorCode.TARGET_UNKNOWN, "The update home " + home.dir() + " belongs to"
                    + " another user (--allow-other-owner), so its records do not name the file to replace; give"
                    + " the file the host runs with --target.");
        }
        Optional<InstalledRelease> installed = home.installedRecord().read();
        if (installed.isEmpty() || installed.get().target() == null || installed.get().target().isBlank()) {
            throw new UpdaterException(ErrorCode.TARGET_UNKNOWN, "No install has recorded the target in "
                    + home.installedRecord() + " yet; give the file the host runs with --target.");
        }
        return new Target(Path.of(installed.get().target()), home.installedRecord().path().getFileName()
                + " (the sidecar's last install)");
    }

    /**
     * Refuses when the host's {@code agent.json} says it runs another file than {@code target}: the
     * sidecar would replace a file the host does not run (the app moved; or a record that lies).
     *
     * @param consequence what the refusal means here: {@code nothing was installed}, …
     * @throws UpdaterException {@code TARGET_CONFLICT} naming both paths
     */
    public static void refuseOtherAgentTarget(UpdateHome home, Target target, String consequence)
            throws UpdaterException {
        // an unreadable record names nothing; the sidecar's own target decides anyway
        Optional<AgentRecord> agent = home.agentRecord().readQuietly();
        if (agent.isEmpty() || agent.get().target() == null || agent.get().target().isBlank()) {
            return;
        }
        String recorded = agent.get().target();
        if (!sameFile(Path.of(recorded), target.path())) {
            throw new UpdaterException(ErrorCode.TARGET_CONFLICT, "The host's " + home.agentRecord() + " says it runs "
                    + recorded + ", but this sidecar's target is " + target.path() + " (" + target.source() + "); "
                    + consequence + ". If the app moved, start the host once so that its agent records the new"
                    + " path; otherwise give --target the file the host runs.");
        }
    }

    /**
     * Refuses to recover an unfinished swap of another file: {@code journal.json} lies in the home,
     * and recovery renames over the journal's target.
     *
     * @throws UpdaterException {@code TARGET_CONFLICT} naming both paths
     */
    public static void refuseOtherJournalTarget(UpdateHome home, Target target) throws UpdaterException {
        Optional<SwapJournal> journal = home.swapJournal().read();
        if (journal.isEmpty() || journal.get().state().isFinished()) {
            return;
        }
        Path recorded = Path.of(journal.get().target());
        if (!sameFile(recorded, target.path())) {
            throw new UpdaterException(ErrorCode.TARGET_CONFLICT, "The unfinished " + journal.get().describe() + " in "
                    + home.journal() + " swaps " + recorded + ", but this sidecar's target is " + target.path() + " ("
                    + target.source() + "); nothing was changed. Start the sidecar with the target of that swap"
                    + " (--target " + recorded + ") to finish it, or, if that file is not the host's, move "
                    + home.journal() + " away.");
        }
    }

    /** One file, by path or, when both exist, by identity (a symbolic link or a relative path to it). */
    static boolean sameFile(Path a, Path b) {
        // APP/current/... of the current.json layout does not exist: the host runs it from the folder named
        Path left = ReleaseLink.inCurrentFolder(a).toAbsolutePath().normalize();
        Path right = ReleaseLink.inCurrentFolder(b).toAbsolutePath().normalize();
        if (left.equals(right)) {
            return true;
        }
        try {
            return Files.isSameFile(left, right);
        } catch (IOException e) {
            return false;
        }
    }
}
