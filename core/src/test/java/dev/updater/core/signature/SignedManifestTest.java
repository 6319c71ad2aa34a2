package dev.updater.core.signature;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.testing.ChildProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import static dev.updater.core.manifest.ManifestFixtures.bytes;
import static dev.updater.core.manifest.ManifestFixtures.seed;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SignedManifestTest {
    private static final String SRC = "https://releases.example.com/app/stable/manifest.signed";

    @TempDir
    Path dir;

    private final KeyPair pair = Ed25519Keys.generate();
    private final TrustedKey trusted = TrustedKey.of(pair.getPublic());
    private final byte[] manifest = bytes(seed());

    @Test
    void write_isMagicLine_thenTheSigFileLine_thenTheExactManifestBytes_andReadsBackToBoth() throws Exception {
        byte[] sig = ManifestSignatures.sign(manifest, pair.getPrivate());

        byte[] file = SignedManifest.write(manifest, sig);

        assertEquals("updater-signed-manifest 1\n" + new String(sig, StandardCharsets.US_ASCII) + seed(),
                new String(file, StandardCharsets.UTF_8));
        SignedManifest.Parts parts = SignedManifest.read(file, SRC);
        assertArrayEquals(manifest, parts.manifest());
        assertArrayEquals(sig, parts.signatureFile());
        assertEquals(trusted, ManifestSignatures.verify(parts.manifest(), parts.signatureFile(), List.of(trusted), SRC));
    }

    @Test
    void isSignedManifest_byTheUrlPathsLastName_notItsQuery() {
        assertTrue(SignedManifest.isSignedManifest(URI.create(SRC)));
        assertTrue(SignedManifest.isSignedManifest(URI.create("https://cdn.example.com/manifest.signed?token=abc")));
        assertFalse(SignedManifest.isSignedManifest(URI.create("https://cdn.example.com/manifest.json")));
        assertFalse(SignedManifest.isSignedManifest(URI.create("https://cdn.example.com/manifest.json?f=manifest.signed")));
    }

    @Test
    void read_aManifestJsonServedAsManifestSigned_isNotThisFormat() {
        assertRefused(manifest, ErrorCode.MANIFEST_MALFORMED, "The signed manifest " + SRC + " does not start with the line"
                + " \"updater-signed-manifest 1\" (found \"{\"); check that the URL points to a manifest.signed written by"
                + " 'updater-sidecar publish', or point manifest= at manifest.json. Nothing was installed.");
    }

    @Test
    void read_anotherMagicLine_namesWhatItFound() {
        assertRefused(file("PK\u0003\u0004 not a manifest\nline\n{}"), ErrorCode.MANIFEST_MALFORMED, "The signed manifest " + SRC
                + " does not start with the line \"updater-signed-manifest 1\" (found \"PK\\x03\\x04 not a manifest\");"
                + " check that the URL points to a manifest.signed written by 'updater-sidecar publish', or point manifest="
                + " at manifest.json. Nothing was installed.");
    }

    @Test
    void read_aNewerFormatVersion_saysToUpdate() {
        assertRefused(file("updater-signed-manifest 2\n" + sigLine() + seed()), ErrorCode.MANIFEST_MALFORMED,
                "The signed manifest " + SRC + " does not start with the line \"updater-signed-manifest 1\" (found"
                        + " \"updater-signed-manifest 2\"); this is another version of the format, written by a newer"
                        + " publisher: update this updater. Nothing was installed.");
    }

    @Test
    void read_crLfLineEnds_areRefused_withTheReason() {
        assertRefused(file("updater-signed-manifest 1\r\n" + sigLine() + seed()), ErrorCode.MANIFEST_MALFORMED,
                "The signed manifest " + SRC + " does not start with the line \"updater-signed-manifest 1\" (found"
                        + " \"updater-signed-manifest 1\\r\"); its lines end with CR LF, the file must keep the LF line"
                        + " ends publish wrote: upload it as binary. Nothing was installed.");
    }

    @Test
    void read_emptyFile_andEmptyFirstLine() {
        assertRefused(new byte[0], ErrorCode.MANIFEST_MALFORMED, "The signed manifest " + SRC + " does not start with the"
                + " line \"updater-signed-manifest 1\" (found an empty file); check that the URL points to a manifest.signed"
                + " written by 'updater-sidecar publish', or point manifest= at manifest.json. Nothing was installed.");
        assertRefused(file("\n" + sigLine() + seed()), ErrorCode.MANIFEST_MALFORMED, "The signed manifest " + SRC
                + " does not start with the line \"updater-signed-manifest 1\" (found an empty line); check that the URL"
                + " points to a manifest.signed written by 'updater-sidecar publish', or point manifest= at manifest.json."
                + " Nothing was installed.");
    }

    @Test
    void read_truncatedWithinTheFirstTwoLines_isAMissingSignature() {
        String expected = "The signed manifest " + SRC + " ends within its first two lines: line 2 must be the Base64"
                + " signature, followed by the manifest; the file is truncated, re-publish the release. Nothing was installed.";
        assertRefused(file("updater-signed-manifest 1\n"), ErrorCode.SIGNATURE_MISSING, expected);
        assertRefused(file("updater-signed-manifest 1\n" + sigLine().substring(0, 40)), ErrorCode.SIGNATURE_MISSING, expected);
    }

    @Test
    void read_emptySignatureLine_isAMissingSignature() {
        assertRefused(file("updater-signed-manifest 1\n\n" + seed()), ErrorCode.SIGNATURE_MISSING, "The signed manifest "
                + SRC + " has an empty line 2, where its Base64 signature belongs; re-publish the release with"
                + " 'updater-sidecar publish'. Nothing was installed.");
    }

    @Test
    void read_manifestWhereTheSignatureBelongs_isMalformed() {
        // the signature line left out: line 2 is the manifest's first line
        assertRefused(file("updater-signed-manifest 1\n" + seed()), ErrorCode.SIGNATURE_MALFORMED,
                "The signature of manifest " + SRC + " (line 2) is not Base64 (Input byte[] should at least have 2 bytes for base64 bytes);"
                        + " re-publish the release.");
    }

    @Test
    void read_signatureLineWithTrailingGarbage_isMalformed_asInASigFile() {
        assertRefused(file("updater-signed-manifest 1\n" + sigLine().strip() + " x\n" + seed()), ErrorCode.SIGNATURE_MALFORMED,
                "The signature of manifest " + SRC + " (line 2) is not Base64 (Input byte array has incorrect ending byte at 88);"
                        + " re-publish the release.");
    }

    @Test
    void read_truncatedSignature_isMalformed() {
        String shortSig = Base64.getEncoder().encodeToString(new byte[48]);
        assertRefused(file("updater-signed-manifest 1\n" + shortSig + "\n" + seed()), ErrorCode.SIGNATURE_MALFORMED,
                "The signature of manifest " + SRC + " (line 2) is 48 bytes, not the 64 of an Ed25519 signature; it is"
                        + " truncated or not an Ed25519 signature. Re-publish the release.");
    }

    @Test
    void read_overlongSecondLine_isMalformed_andNotReadOn() {
        assertRefused(file("updater-signed-manifest 1\n" + "A".repeat(5000) + "\n" + seed()), ErrorCode.SIGNATURE_MALFORMED,
                "The signed manifest " + SRC + " has a line 2 longer than 200 bytes, where a Base64 signature of 88"
                        + " characters belongs: the file is damaged or not a signed manifest, re-publish the release. Nothing was installed.");
    }

    @Test
    void read_noManifestAfterTheSignature_isMalformed() {
        assertRefused(file("updater-signed-manifest 1\n" + sigLine()), ErrorCode.MANIFEST_MALFORMED, "The signed manifest "
                + SRC + " ends after its signature line: the manifest that follows it is missing; the file is truncated,"
                + " re-publish the release. Nothing was installed.");
    }

    @Test
    void bytesAppendedAfterTheManifest_areManifestBytes_andFailTheSignature() throws Exception {
        byte[] file = SignedManifest.write(manifest, ManifestSignatures.sign(manifest, pair.getPrivate()));
        byte[] appended = Arrays.copyOf(file, file.length + 2);
        appended[file.length] = '{';
        appended[file.length + 1] = '}';

        SignedManifest.Parts parts = SignedManifest.read(appended, SRC);

        assertEquals(manifest.length + 2, parts.manifest().length);
        UpdaterException e = assertThrows(UpdaterException.class,
                () -> ManifestSignatures.verify(parts.manifest(), parts.signatureFile(), List.of(trusted), SRC));
        assertEquals(ErrorCode.SIGNATURE_INVALID, e.code());
    }

    /** The commands docs/publishing.md gives for checking a manifest.signed by hand, run as written there. */
    @Test
    @DisabledOnOs(value = OS.WINDOWS, disabledReason = "docs/publishing.md's commands are POSIX"
            + " shell (bash, head, tail, base64)")
    void documentedOpensslCommands_verifyOurSignedManifest_andRejectAChangedOne() throws Exception {
        Files.write(dir.resolve("manifest.signed"), SignedManifest.write(manifest, ManifestSignatures.sign(manifest, pair.getPrivate())));
        Files.writeString(dir.resolve("updater.pub"), Ed25519Keys.toPem(pair.getPublic()));
        String commands = """
                head -n 1 manifest.signed
                tail -n +3 manifest.signed > manifest.signed.json
                head -n 2 manifest.signed | tail -n 1 | base64 -d > manifest.signed.sig
                openssl pkeyutl -verify -pubin -inkey updater.pub -rawin -in manifest.signed.json -sigfile manifest.signed.sig
                """;

        ChildProcess.Finished ok = ChildProcess.run(new ProcessBuilder("bash", "-ec", commands).directory(dir.toFile()),
                Duration.ofSeconds(30));

        assertEquals(0, ok.exitCode(), ok.out() + ok.err());
        assertEquals("updater-signed-manifest 1\nSignature Verified Successfully\n", ok.out());
        assertArrayEquals(manifest, Files.readAllBytes(dir.resolve("manifest.signed.json")), "tail gives the exact signed bytes");

        Files.write(dir.resolve("manifest.signed"), "x".getBytes(StandardCharsets.US_ASCII), java.nio.file.StandardOpenOption.APPEND);
        ChildProcess.Finished changed = ChildProcess.run(new ProcessBuilder("bash", "-ec", commands).directory(dir.toFile()),
                Duration.ofSeconds(30));
        assertTrue(changed.exitCode() != 0, "openssl must reject a byte appended to the manifest: " + changed.out());
    }

    private String sigLine() {
        try {
            return new String(ManifestSignatures.sign(manifest, pair.getPrivate()), StandardCharsets.US_ASCII);
        } catch (UpdaterException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] file(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static void assertRefused(byte[] file, ErrorCode code, String message) {
        UpdaterException e = assertThrows(UpdaterException.class, () -> SignedManifest.read(file, SRC));
        assertEquals(message, e.getMessage());
        assertEquals(code, e.code());
    }
}
