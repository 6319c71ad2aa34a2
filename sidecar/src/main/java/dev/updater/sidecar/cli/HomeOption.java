package dev.updater.sidecar.cli;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.home.HomeOwnership;
import dev.updater.core.home.UpdateHome;
import dev.updater.sidecar.supervise.HomeGuard;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * {@code --home DIR}, the update home every sidecar command works on, and {@code --allow-other-owner}.
 * Every command checks the home before it reads anything in it ({@link HomeGuard}).
 */
final class HomeOption {
    @Option(names = "--home", paramLabel = "DIR", required = true,
            description = "The update home shared with the agent (its home=). Example: --home /var/lib/app/updates")
    Path home;

    @Option(names = "--allow-other-owner",
            description = "Act on a home that belongs to another user than the one running this command (root"
                    + " included). Without it such a home is refused: its records and staged files are that user's"
                    + " word. With it, they still never name the file to replace: give --target. Default: false."
                    + " Example: sudo updater-sidecar status --home /var/lib/app/updates --allow-other-owner")
    boolean allowOtherOwner;

    /** Set by the check: true when the home belongs to the user running this command. */
    private boolean ownHome;

    /** The home, which must exist and pass {@link HomeGuard#check}: every command but run and watch reads one the agent made. */
    UpdateHome existing() throws UpdaterException {
        UpdateHome updateHome = new UpdateHome(home);
        if (!Files.isDirectory(updateHome.dir(), LinkOption.NOFOLLOW_LINKS) && !Files.isSymbolicLink(updateHome.dir())) {
            throw new UpdaterException(ErrorCode.IO, "There is no update home at " + updateHome.dir()
                    + "; check --home (the agent's home=).");
        }
        if (!updateHome.holdsHomeFiles()) {
            // before the ownership check: /tmp or a typo'd path must never get advice meant for a home (chmod 700)
            throw HomeGuard.notAHome(updateHome, "check --home (the agent's home=).");
        }
        remember(HomeGuard.check(updateHome, allowOtherOwner));
        return updateHome;
    }

    /** {@code run} and {@code watch}: the home, created (0700) when missing, checked. */
    UpdateHome openOrCreate() throws UpdaterException {
        remember(HomeGuard.open(home, allowOtherOwner));
        return new UpdateHome(home);
    }

    /** True once checked when the home belongs to the user running this command, so its own records may name the target. */
    boolean ownHome() {
        return ownHome;
    }

    private void remember(HomeOwnership ownership) {
        ownHome = ownership.ownedByThisProcess();
    }
}
