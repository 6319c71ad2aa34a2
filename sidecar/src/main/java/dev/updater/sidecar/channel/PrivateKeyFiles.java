package dev.updater.sidecar.channel;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recognizes private key files, which never belong in a folder that is served. Threat: after
 * {@code keygen --out ch; publish --key ch/updater.key --out ch}, the key that every host trusts is
 * one GET away, and whoever fetches it can sign any release.
 *
 * <p>A file is a private key when its name ends in {@code .key}, or when its first
 * {@link #HEAD_BYTES} bytes hold a PEM private key ({@code -----BEGIN PRIVATE KEY-----},
 * {@code ENCRYPTED PRIVATE KEY}, {@code OPENSSH PRIVATE KEY}, {@code RSA}/{@code EC PRIVATE KEY},
 * {@code PGP PRIVATE KEY BLOCK}) or a PuTTY key.
 *
 * <pre>{@code
 * String why = PrivateKeyFiles.reason("signing.pem", head); // "holds a PEM private key (-----BEGIN PRIVATE KEY-----)"
 * }</pre>
 */
public final class PrivateKeyFiles {
    /** How much of a file is searched for a private key; a PEM key is a few hundred bytes. */
    public static final int HEAD_BYTES = 64 * 1024;

    private static final Pattern PEM_PRIVATE_KEY = Pattern.compile("-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----");
    private static final String PUTTY_KEY = "PuTTY-User-Key-File-";

    private PrivateKeyFiles() {
    }

    /**
     * Why a file of this name starting with these bytes is a private key, or null when it is not.
     *
     * @param head the file's first bytes, at most {@link #HEAD_BYTES} of them are looked at
     */
    public static String reason(String fileName, byte[] head, int length) {
        if (fileName.toLowerCase(Locale.ROOT).endsWith(".key")) {
            return "its name ends in .key";
        }
        String text = new String(head, 0, Math.min(length, HEAD_BYTES), StandardCharsets.ISO_8859_1);
        Matcher pem = PEM_PRIVATE_KEY.matcher(text);
        if (pem.find()) {
            return "it holds a PEM private key (" + pem.group() + ")";
        }
        if (text.startsWith(PUTTY_KEY)) {
            return "it holds a PuTTY private key";
        }
        return null;
    }

    /**
     * Refuses a signing key that lies inside the channel directory (real paths, symlinks followed),
     * then any other private key file found there.
     *
     * @param nothingWas how the message starts: "Nothing was published" or "Nothing was re-signed"
     * @throws UpdaterException {@code KEY_EXPOSED} naming the file and what to do
     */
    public static void refuseInsideChannel(Path keyFile, Path channel, String nothingWas) throws UpdaterException {
        if (!Files.isDirectory(channel)) {
            return; // a channel that does not exist yet holds nothing
        }
        Path realChannel;
        try {
            realChannel = channel.toRealPath();
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.IO, "Could not resolve the channel directory " + channel + ": " + e
                    + ".", e);
        }
        if (isInside(keyFile, channel, realChannel)) {
            throw new UpdaterException(ErrorCode.KEY_EXPOSED, nothingWas + ": the signing key " + keyFile
                    + " lies inside the channel directory " + channel + ", where a web server hands it to anyone."
                    + " Move the key out of " + channel + " (for example to ./keys) and pass its new path to --key.");
        }
        List<String> found = findInside(realChannel);
        if (!found.isEmpty()) {
            throw new UpdaterException(ErrorCode.KEY_EXPOSED, nothingWas + ": the channel directory " + channel
                    + " holds private key files, which a web server hands to anyone: " + String.join(", ", found)
                    + ". Move them out of " + channel + ".");
        }
    }

    /** True when {@code keyFile} is {@code channel} or below it, as given or as resolved. */
    private static boolean isInside(Path keyFile, Path channel, Path realChannel) {
        if (keyFile.toAbsolutePath().normalize().startsWith(channel.toAbsolutePath().normalize())) {
            return true;
        }
        try {
            return keyFile.toRealPath().startsWith(realChannel);
        } catch (IOException e) {
            return false; // a key that cannot be resolved is reported when it is read
        }
    }

    /**
     * The private key files below {@code dir}, relative to it, each with its reason. Every name is
     * checked; the contents of files up to {@link #HEAD_BYTES} (a key is small, an artifact is not
     * read). Symlinked folders are not followed; a symlinked file is judged by what it points to.
     */
    static List<String> findInside(Path dir) throws UpdaterException {
        List<String> found = new ArrayList<>();
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    String why = judge(file);
                    if (why != null) {
                        found.add(dir.relativize(file) + " (" + why + ")");
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE; // unreadable to us, and so to no web server of ours either
                }
            });
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.IO, "Could not look through " + dir + " for private keys: " + e
                    + ".", e);
        }
        found.sort(null);
        return found;
    }

    private static String judge(Path file) {
        String name = file.getFileName().toString();
        try {
            if (!Files.isRegularFile(file) || Files.size(file) > HEAD_BYTES) {
                return reason(name, new byte[0], 0);
            }
            byte[] head;
            try (InputStream in = Files.newInputStream(file)) {
                head = in.readNBytes(HEAD_BYTES);
            }
            return reason(name, head, head.length);
        } catch (IOException e) {
            return reason(name, new byte[0], 0);
        }
    }
}
