package dev.updater.sidecar.channel;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.text.Printable;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The folder of a local channel, from which {@code verify --artifacts} reads artifacts.
 *
 * <p>Threat: a manifest's relative url such as {@code ../../home/ops/.ssh/id_ed25519}, or a link
 * inside the folder pointing out of it, would make verify print the size and SHA-256 of another
 * file; a url naming a FIFO or a device would make it block forever. So an artifact is read only
 * when its path stays inside the folder, both as written and with every symbolic link resolved, and
 * when it is a regular file, checked without following links before it is opened.
 */
final class ChannelFolder {
    private final Path folder;

    /** @param folder the manifest's folder, absolute and normalized */
    ChannelFolder(Path folder) {
        this.folder = folder;
    }

    /**
     * An artifact file to measure.
     *
     * @param shown the path as the url names it, for messages
     * @param real the same file with every link resolved: the one to open
     * @param size its size, read from its attributes
     */
    record LocalFile(Path shown, Path real, long size) {
    }

    /** The regular file inside this folder that {@code uri} (resolved from {@code url}) names, or why it is refused. */
    LocalFile artifact(URI uri, String url) throws UpdaterException {
        Path file;
        try {
            file = Path.of(uri).normalize();
        } catch (IllegalArgumentException e) {
            throw new UpdaterException(ErrorCode.MANIFEST_INVALID, "its url \"" + Printable.of(url)
                    + "\" does not name a file in the channel folder " + folder + "; it is refused unread.", e);
        }
        if (!file.startsWith(folder)) {
            throw new UpdaterException(ErrorCode.MANIFEST_INVALID, "its url \"" + Printable.of(url) + "\" leads to "
                    + file + ", outside the channel folder " + folder + "; it is refused unread. Artifacts of a"
                    + " channel sit inside its folder, as 'updater-sidecar publish' writes them.");
        }
        Path real;
        Path realFolder;
        BasicFileAttributes attributes;
        try {
            realFolder = folder.toRealPath();
            real = file.toRealPath();
            if (!real.startsWith(realFolder)) {
                throw new UpdaterException(ErrorCode.IO, file + " leads through a symbolic link to " + real
                        + ", outside the channel folder " + realFolder + "; it is refused unread. Put the"
                        + " artifact itself in the channel folder.");
            }
            attributes = Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            throw new UpdaterException(ErrorCode.IO, file + " does not exist.", e);
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.IO, "could not read " + file + ": " + e, e);
        }
        if (!attributes.isRegularFile()) {
            throw new UpdaterException(ErrorCode.IO, file + " is " + kind(attributes) + ", not a regular file;"
                    + " it is refused unread.");
        }
        return new LocalFile(file, real, attributes.size());
    }

    /** What a file that is not a regular file is, for messages. */
    static String kind(BasicFileAttributes attributes) {
        if (attributes.isDirectory()) {
            return "a directory";
        }
        if (attributes.isSymbolicLink()) {
            return "a symbolic link";
        }
        return "a FIFO, socket or device";
    }
}
