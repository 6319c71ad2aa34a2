package dev.updater.core.signature;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.text.Printable;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * {@code manifest.signed}: a manifest and its signature in one file, so a poll that finds a new
 * release is one GET, not a manifest and then its {@code .sig} (DESIGN §11: a publish doubled the
 * fleet's request rate for one interval). The publisher writes it beside the unchanged
 * {@code manifest.json} and {@code manifest.json.sig}, which older agents keep reading.
 *
 * <pre>
 * updater-signed-manifest 1            line 1: this magic, exactly
 * 3q2+7w…Base64…==                     line 2: the content of manifest.json.sig (Base64 of the Ed25519 signature)
 * {"version":"1.3.0", …}               the rest: the exact bytes of manifest.json, the only bytes signed
 * </pre>
 *
 * The signature covers the manifest bytes alone, so {@code tail -n +3 manifest.signed} and
 * {@code openssl pkeyutl -verify -rawin} check it by hand (docs/publishing.md). Reading is strict: any
 * other first line, a missing or garbled signature line, or no manifest is refused by name; bytes
 * appended after the manifest are manifest bytes and fail the signature.
 */
public final class SignedManifest {
    /** The file name; a manifest URL ending with it is fetched as this format. */
    public static final String FILE_NAME = "manifest.signed";
    static final String MAGIC = "updater-signed-manifest 1";
    private static final String MAGIC_PREFIX = "updater-signed-manifest ";
    /** The longest line 2 read, newline included: a Base64 signature is 88 characters; a line is allowed stray spaces or a CR, as a .sig file is. */
    private static final int MAX_SIGNATURE_LINE = 200;
    /** Line 1 and line 2 with their newlines, at most. */
    public static final int MAX_HEADER_BYTES = MAGIC.length() + 1 + MAX_SIGNATURE_LINE;

    private SignedManifest() {
    }

    /**
     * The two parts of a {@code manifest.signed}.
     *
     * @param signatureFile line 2 with a newline, the same bytes as {@code manifest.json.sig}
     */
    public record Parts(byte[] manifest, byte[] signatureFile) {
    }

    /** Whether {@code manifestUri} names a {@code manifest.signed} (its path ends with that name). */
    public static boolean isSignedManifest(URI manifestUri) {
        String path = manifestUri.getRawPath();
        return path != null && path.endsWith(FILE_NAME);
    }

    /** The file's bytes: the magic line, {@code signatureFile} (one line, as {@link ManifestSignatures#sign} writes it), the manifest. */
    public static byte[] write(byte[] manifest, byte[] signatureFile) {
        String line = new String(signatureFile, StandardCharsets.US_ASCII).strip();
        byte[] head = (MAGIC + "\n" + line + "\n").getBytes(StandardCharsets.US_ASCII);
        byte[] file = Arrays.copyOf(head, head.length + manifest.length);
        System.arraycopy(manifest, 0, file, head.length, manifest.length);
        return file;
    }

    /**
     * Splits {@code file} into manifest and signature, checking the format (not the signature: that is
     * {@link ManifestSignatures#verify}'s work, with the trusted keys).
     *
     * @param source where the file came from, named in error messages
     * @throws UpdaterException {@code MANIFEST_MALFORMED} (not this format, no manifest),
     *     {@code SIGNATURE_MISSING} (empty line 2) or {@code SIGNATURE_MALFORMED} (line 2 not a Base64 Ed25519 signature)
     */
    public static Parts read(byte[] file, String source) throws UpdaterException {
        int end1 = indexOf(file, 0);
        String line1 = new String(file, 0, Math.min(end1 < 0 ? file.length : end1, 80), StandardCharsets.UTF_8);
        if (end1 < 0 || !line1.equals(MAGIC)) {
            String found = file.length == 0 ? "an empty file" : end1 == 0 ? "an empty line" : "\"" + Printable.of(line1, 60) + "\"";
            String advice = line1.equals(MAGIC + "\r")
                    ? "; its lines end with CR LF, the file must keep the LF line ends publish wrote: upload it as binary"
                    : line1.startsWith(MAGIC_PREFIX) && end1 >= 0
                    ? "; this is another version of the format, written by a newer publisher: update this updater"
                    : "; check that the URL points to a manifest.signed written by 'updater-sidecar publish', or"
                            + " point manifest= at manifest.json";
            throw new UpdaterException(ErrorCode.MANIFEST_MALFORMED, "The signed manifest " + source
                    + " does not start with the line \"" + MAGIC + "\" (found " + found + ")" + advice + ". Nothing was installed.");
        }
        int end2 = indexOf(file, end1 + 1);
        if (end2 < 0 && file.length - end1 - 1 <= MAX_SIGNATURE_LINE) {
            throw new UpdaterException(ErrorCode.SIGNATURE_MISSING, "The signed manifest " + source
                    + " ends within its first two lines: line 2 must be the Base64 signature, followed by the manifest;"
                    + " the file is truncated, re-publish the release. Nothing was installed.");
        }
        if (end2 < 0 || end2 - end1 > MAX_SIGNATURE_LINE) {
            throw new UpdaterException(ErrorCode.SIGNATURE_MALFORMED, "The signed manifest " + source + " has a line 2"
                    + " longer than " + MAX_SIGNATURE_LINE + " bytes, where a Base64 signature of 88 characters belongs:"
                    + " the file is damaged or not a signed manifest, re-publish the release. Nothing was installed.");
        }
        byte[] signatureLine = Arrays.copyOfRange(file, end1 + 1, end2 + 1);
        if (new String(signatureLine, StandardCharsets.US_ASCII).isBlank()) {
            throw new UpdaterException(ErrorCode.SIGNATURE_MISSING, "The signed manifest " + source
                    + " has an empty line 2, where its Base64 signature belongs; re-publish the release with"
                    + " 'updater-sidecar publish'. Nothing was installed.");
        }
        ManifestSignatures.decode(signatureLine, source + " (line 2)");
        if (end2 + 1 == file.length) {
            throw new UpdaterException(ErrorCode.MANIFEST_MALFORMED, "The signed manifest " + source
                    + " ends after its signature line: the manifest that follows it is missing; the file is truncated,"
                    + " re-publish the release. Nothing was installed.");
        }
        return new Parts(Arrays.copyOfRange(file, end2 + 1, file.length), signatureLine);
    }

    /** The index of the first '\n' from {@code from} within the header's reach, or -1. */
    private static int indexOf(byte[] file, int from) {
        for (int i = from; i < Math.min(file.length, from + MAX_SIGNATURE_LINE + 1); i++) {
            if (file[i] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
