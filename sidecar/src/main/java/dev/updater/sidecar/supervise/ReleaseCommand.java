package dev.updater.sidecar.supervise;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.sidecar.swap.ReleaseLink;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The host command of {@code run} in the {@code APP/current.json} layout (docs/archives.md "Windows"),
 * where {@code APP/current} is no link and does not exist: at every host start, each argument that is a
 * path under {@code APP/current/} becomes the same path under the release folder {@code current.json}
 * names now ({@code APP/current/lib/app.jar} to {@code APP/releases/1.1.0/lib/app.jar}), so a host
 * started after an install, a rollback or a recovery runs the folder the swap chose. In the link layout,
 * or for a single-file target, the command is started as given.
 *
 * <pre>{@code
 * ReleaseCommand command = ReleaseCommand.of(List.of("java", "-jar", "/srv/app/current/lib/app.jar"), target, log);
 * ProcessBuilder builder = new ProcessBuilder(command.forStart());
 * }</pre>
 */
final class ReleaseCommand {
    private final List<String> command;
    private final Path target; // null: started as given
    private final Consumer<String> log;
    private String logged; // the folder the last start was logged with

    private ReleaseCommand(List<String> command, Path target, Consumer<String> log) {
        this.command = List.copyOf(command);
        this.target = target;
        this.log = log;
    }

    /** The command of {@code run}, rewritten at each start when {@code target} lies under the current.json layout. */
    static ReleaseCommand of(List<String> command, Path target, Consumer<String> log) {
        return new ReleaseCommand(command, target, log);
    }

    /**
     * The command to start the host with now. Logs the folder when it differs from the last start's.
     *
     * @throws UpdaterException {@code HOST_START_FAILED} when {@code current.json} names no release folder
     */
    List<String> forStart() throws UpdaterException {
        // decided at each start: a swap that could make no link turns the link layout into this one
        Path app = target == null ? null : ReleaseLink.recordLayoutOf(target).orElse(null);
        if (app == null) {
            return command;
        }
        String folder = ReleaseLink.recordedFolder(app);
        if (folder == null) {
            throw new UpdaterException(ErrorCode.HOST_START_FAILED, "Could not start the host: "
                    + app.resolve("current.json") + " names no release folder releases/<version>; write"
                    + " {\"folder\": \"releases/<version>\"} naming the folder to run (see docs/archives.md).");
        }
        List<String> rewritten = rewrite(command, app, folder);
        if (!folder.equals(logged)) {
            logged = folder;
            log.accept("starting the host from " + app.resolve("releases").resolve(folder) + ", the folder "
                    + app.resolve("current.json") + " names (" + app.resolve("current") + "/... in the command"
                    + " is run from there)");
        }
        return rewritten;
    }

    /** Each argument that is a path under {@code app/current} moved under {@code app/releases/<folder>}. */
    static List<String> rewrite(List<String> command, Path app, String folder) {
        Path current = app.resolve("current").toAbsolutePath().normalize();
        Path release = app.resolve("releases").resolve(folder).toAbsolutePath().normalize();
        List<String> rewritten = new ArrayList<>(command.size());
        for (String argument : command) {
            rewritten.add(under(argument, current).map(rest -> release.resolve(rest).toString()).orElse(argument));
        }
        return rewritten;
    }

    /** The rest of {@code argument} below {@code current} (empty for {@code current} itself), when it is a path there. */
    private static Optional<Path> under(String argument, Path current) {
        if (argument.isEmpty() || argument.startsWith("-")) {
            return Optional.empty(); // an option, never a path: -Dx=..., -cp's value is its own argument
        }
        try {
            Path path = Path.of(argument).toAbsolutePath().normalize();
            return path.startsWith(current)
                    ? Optional.of(current.relativize(path)) : Optional.empty();
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
    }
}
