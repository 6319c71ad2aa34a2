package dev.updater.sidecar.channel;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.manifest.ManifestParser;
import dev.updater.core.signature.ManifestSignatures;
import dev.updater.core.signature.SignedManifest;
import dev.updater.core.signature.TrustedKey;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.Arrays;
import java.util.List;

/**
 * The signed files of a channel, written by every publish path (publish, --channel, --promote, --halt,
 * --revert-to, --resign): {@code manifest.json.sig}, {@code manifest.json}, and {@code manifest.signed}
 * holding both ({@link SignedManifest}). Older agents read the first two; agents pointed at
 * {@code manifest.signed} (all agents in channel= mode) get both in one GET, so a publish does not double
 * a fleet's requests.
 */
final class SignedFiles {
    private SignedFiles() {
    }

    /**
     * Signs {@code manifestBytes}, writes the signature, the manifest and {@code manifest.signed} in that
     * order (each atomically, world-readable) and reads them back. The signature goes first, so a client
     * reading between the renames of the pair sees a mismatch and retries later, never a half-written file;
     * {@code manifest.signed} is whole in one rename.
     *
     * @return the signature file
     */
    static Path write(Path manifestFile, byte[] manifestBytes, PrivateKey key, TrustedKey signer) throws UpdaterException {
        byte[] signature = ManifestSignatures.sign(manifestBytes, key);
        Path signatureFile = manifestFile.resolveSibling(Publisher.SIGNATURE_FILE);
        writeChannelFile(signatureFile, signature);
        writeChannelFile(manifestFile, manifestBytes);
        writeChannelFile(manifestFile.resolveSibling(Publisher.SIGNED_FILE), SignedManifest.write(manifestBytes, signature));
        readBack(manifestFile, signatureFile, signer);
        return signatureFile;
    }

    private static void writeChannelFile(Path file, byte[] bytes) throws UpdaterException {
        try {
            ChannelFiles.write(file, bytes);
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.IO, "Could not write " + file + ": " + e
                    + "; check that the --out directory is writable and has free space.", e);
        }
    }

    /** Proves what is on disk is what was meant: parses and verifies the files just written, manifest.signed too. */
    private static void readBack(Path manifestFile, Path signatureFile, TrustedKey signer) throws UpdaterException {
        try {
            byte[] written = Files.readAllBytes(manifestFile);
            ManifestParser.parse(written, manifestFile.toString());
            ManifestSignatures.verify(written, Files.readAllBytes(signatureFile), List.of(signer), manifestFile.toString());
            Path signedFile = manifestFile.resolveSibling(Publisher.SIGNED_FILE);
            SignedManifest.Parts both = SignedManifest.read(Files.readAllBytes(signedFile), signedFile.toString());
            if (!Arrays.equals(both.manifest(), written)) {
                throw new UpdaterException(ErrorCode.IO, signedFile + " does not hold the bytes of " + manifestFile
                        + " just written: did another publish run into the same folder at the same time? Publish again.");
            }
            ManifestSignatures.verify(both.manifest(), both.signatureFile(), List.of(signer), signedFile.toString());
        } catch (IOException e) {
            throw new UpdaterException(ErrorCode.IO, "Could not read back " + manifestFile + ": " + e + ".", e);
        }
    }
}
