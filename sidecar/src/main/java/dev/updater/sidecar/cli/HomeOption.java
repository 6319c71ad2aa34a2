package dev.updater.sidecar.cli;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.home.UpdateHome;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;

/** {@code --home DIR}, the update home every sidecar command works on. */
final class HomeOption {
    @Option(names = "--home", paramLabel = "DIR", required = true,
            description = "The update home shared with the agent (its home=). Example: --home /var/lib/app/updates")
    Path home;

    /** The home, which must exist: every command but run and watch reads one the agent made. */
    UpdateHome existing() throws UpdaterException {
        UpdateHome updateHome = new UpdateHome(home);
        if (!Files.isDirectory(updateHome.dir())) {
            throw new UpdaterException(ErrorCode.IO, "There is no update home at " + updateHome.dir()
                    + "; check --home (the agent's home=).");
        }
        return updateHome;
    }
}
