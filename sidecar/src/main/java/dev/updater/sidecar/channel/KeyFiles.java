package dev.updater.sidecar.channel;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.home.AtomicFiles;
import dev.updater.core.signature.Ed25519Keys;
import dev.updater.core.signature.TrustedKey;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.util.Set;

/**
 * The signing key pair on disk: {@code updater.key} (PKCS#8 PEM, readable by its owner only) and
 * {@code updater.pub} (SPKI PEM), the files {@code openssl genpkey}/{@code pkey -pubout} also write.
 */
public final class KeyFiles {
    public static final String PRIVATE_FILE = "updater.key";
    public static final String PUBLIC_FILE = "updater.pub";

    private KeyFiles() {
    }

    /** The paths written by {@link #create}. */
    public record Written(Path privateKey, Path publicKey, TrustedKey key) {
    }

    /**
     * Generates a key pair into {@code dir}, never overwriting: an existing key may be the only
     * one that signs a channel hosts already trust.
     */
    public static Written create(Path dir) throws UpdaterException {
        Path privatePath = dir.resolve(PRIVATE_FILE);
        Path publicPath = dir.resolve(PUBLIC_FILE);
        for (Path existing : new Path[] {privatePath, publicPath}) {
            if (Files.exists(existing)) {
                throw new UpdaterException(ErrorCode.IO, existing + " already exists; keygen never overwrites a key."
                        + " Hosts may trust it: move it away first, or choose another --out directory.");
            }
        }
        KeyPair pair = Ed25519Keys.generate();
        try {
            Files.createDirectories(dir);
            writeNew(privatePath, Ed25519Keys.toPem(pair.getPrivate()), true);
            writeNew(publicPath, Ed25519Keys.toPem(pair.getPublic()), false);
            AtomicFiles.fsyncDirectory(dir);
        } catch (FileAlreadyExistsException e) {
            throw new UpdaterException(ErrorCode.IO, e.getFile() + " appeared while keygen ran; nothing was"
                    + " overwritten. Check what else writes to " + dir + ".", e);
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.IO, "Could not write the key pair into " + dir + ": " + e
                    + "; check that the directory is writable.", e);
        }
        return new Written(privatePath, publicPath, TrustedKey.of(pair.getPublic()));
    }

    /** Reads a private key file, saying clearly when it is missing or not a private key. */
    public static PrivateKey readPrivateKey(Path file) throws UpdaterException {
        try {
            return Ed25519Keys.parsePrivateKey(Files.readString(file, StandardCharsets.US_ASCII));
        } catch (NoSuchFileException e) {
            throw new UpdaterException(ErrorCode.IO, "Key file " + file + " does not exist; create a key pair with"
                    + " 'updater-sidecar keygen --out DIR'.", e);
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.IO, "Could not read key file " + file + ": " + e + ".", e);
        } catch (UpdaterException e) {
            throw new UpdaterException(e.code(), "Key file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads a public key file ({@code updater.pub} PEM, or a file holding the {@code ed25519:} line). */
    public static TrustedKey readPublicKey(Path file) throws UpdaterException {
        try {
            return TrustedKey.of(Ed25519Keys.parsePublicKey(Files.readString(file, StandardCharsets.US_ASCII)));
        } catch (NoSuchFileException e) {
            throw new UpdaterException(ErrorCode.IO, "Public key file " + file + " does not exist.", e);
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.IO, "Could not read public key file " + file + ": " + e + ".", e);
        } catch (UpdaterException e) {
            throw new UpdaterException(e.code(), "Public key file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Creates the file with its final permissions, so the private key is never readable by others. */
    private static void writeNew(Path file, String text, boolean secret) throws IOException {
        boolean posix = file.getFileSystem().supportedFileAttributeViews().contains("posix");
        Set<PosixFilePermission> mode = PosixFilePermissions.fromString(secret ? "rw-------" : "rw-r--r--");
        FileAttribute<?>[] attributes = posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(mode)}
                : new FileAttribute<?>[0];
        Files.createFile(file, attributes);
        if (posix) {
            Files.setPosixFilePermissions(file, mode); // the umask may have narrowed the public key's mode
        }
        Files.writeString(file, text, StandardCharsets.US_ASCII, StandardOpenOption.WRITE);
        AtomicFiles.fsync(file);
    }
}
