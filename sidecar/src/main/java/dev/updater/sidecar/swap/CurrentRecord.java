package dev.updater.sidecar.swap;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.archive.CurrentFolder;
import dev.updater.core.home.AtomicFiles;
import dev.updater.core.json.Json;
import dev.updater.core.version.ReleaseVersion;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code APP/current.json}, the fallback of the archive layout where a symbolic link cannot be made
 * (Windows without the privilege, some network shares; DESIGN §5 "Archives", docs/archives.md): a record
 * {@code {"folder": "releases/1.1.0"}} naming the release folder the host runs from, in place of the link
 * {@code APP/current -> releases/1.1.0}. It is replaced only by {@link AtomicFiles#write} (temp file,
 * fsync, rename, fsync the folder), so it names the old folder or the new one at every instant, as the
 * link does, and recovery decides by it. The sidecar, as launcher, starts the host from that folder
 * ({@code run} rewrites {@code APP/current/...} in the host command).
 *
 * <p>The layout is chosen by what is on disk, never by the OS: {@code APP/current.json} exists and
 * {@code APP/current} does not. Threat: the record is read from a folder others may write; a folder
 * that is not {@code releases/<version>} (an absolute path, {@code ..}) is refused, as a link's text is.
 *
 * @param folder {@code releases/<version>}, relative to {@code APP}
 */
public record CurrentRecord(String folder) {
    static final String FILE = CurrentFolder.FILE;

    /** True when {@code app} uses the record: {@code APP/current.json} exists and {@code APP/current} does not. */
    static boolean usedBy(Path app) {
        return CurrentFolder.recordUsedBy(app);
    }

    /** The release folder name {@code APP/current.json} names; empty when it names no {@code releases/<version>}. */
    static Optional<String> read(Path app) throws IOException {
        return CurrentFolder.recorded(app);
    }

    /** Names {@code releases/<version>} in {@code APP/current.json}, atomically and durably. */
    static void write(Path app, ReleaseVersion version) throws UpdaterException {
        byte[] bytes;
        try {
            bytes = Json.mapper().writeValueAsBytes(new CurrentRecord(ReleaseFolders.RELEASES + "/" + version));
        } catch (JsonProcessingException e) {
            throw new UpdaterException(ErrorCode.SWAP_FAILED, "Could not encode " + app.resolve(FILE) + ": " + e, e);
        }
        AtomicFiles.write(app.resolve(FILE), bytes);
    }

    /**
     * Where the link {@code APP/current} cannot be replaced because no link can be made ({@code why}):
     * writes {@code APP/current.json} naming {@code version}, then deletes the link. Until that delete the
     * link decides (the old folder); after it the record does (the new one): one atomic step, as the rename
     * was, and a crash between the two redoes it. {@code run} starts the host from the record's folder
     * from then on.
     */
    static void replaceLink(Path app, ReleaseVersion version, Exception why) throws UpdaterException {
        Path link = app.resolve(ReleaseFolders.CURRENT);
        write(app, version);
        try {
            Files.delete(link); // the link itself, never what it points at
            AtomicFiles.fsyncDirectory(app);
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.SWAP_FAILED, "Could not make a link in " + app + " (" + why
                    + "), so " + app.resolve(FILE) + " now names " + ReleaseFolders.RELEASES + "/" + version
                    + ", but the link " + link + " could not be deleted (" + e + "); it still decides and points"
                    + " where it did. Delete it by hand to use " + FILE + " (docs/archives.md).", e);
        }
    }
}
