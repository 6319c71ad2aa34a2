package dev.updater.core.signature;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Base64;
import java.util.List;

import static dev.updater.core.manifest.ManifestFixtures.bytes;
import static dev.updater.core.manifest.ManifestFixtures.seed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ManifestSignaturesTest {
    private static final String SRC = "https://releases.example.com/app/manifest.json";

    @TempDir
    Path dir;

    private final KeyPair pair = Ed25519Keys.generate();
    private final TrustedKey trusted = TrustedKey.of(pair.getPublic());
    private final byte[] manifest = bytes(seed());

    @Test
    void signThenVerify_returnsTheKeyThatSigned() throws Exception {
        byte[] sig = ManifestSignatures.sign(manifest, pair.getPrivate());
        String text = new String(sig, StandardCharsets.US_ASCII);
        assertTrue(text.endsWith("\n"));
        assertEquals(64, Base64.getDecoder().decode(text.strip()).length);
        assertEquals(trusted, ManifestSignatures.verify(manifest, sig, List.of(trusted), SRC));
    }

    @Test
    void verify_withSeveralTrustedKeys_anyOneSuffices_forKeyRotation() throws Exception {
        TrustedKey other = TrustedKey.of(Ed25519Keys.generate().getPublic());
        byte[] sig = ManifestSignatures.sign(manifest, pair.getPrivate());
        assertEquals(trusted, ManifestSignatures.verify(manifest, sig, List.of(other, trusted), SRC));
    }

    @Test
    void verify_byAKeyKnownButNotTrusted_namesTheTrustedKeysAndTheKeyThatSigned() throws Exception {
        KeyPair other = Ed25519Keys.generate();
        TrustedKey signer = TrustedKey.of(other.getPublic());
        TrustedKey unrelated = TrustedKey.of(Ed25519Keys.generate().getPublic());
        byte[] sig = ManifestSignatures.sign(manifest, other.getPrivate());

        UpdaterException e = assertThrows(UpdaterException.class,
                () -> ManifestSignatures.verify(manifest, sig, List.of(trusted), List.of(unrelated, signer), SRC));

        assertEquals(ErrorCode.SIGNATURE_INVALID, e.code());
        assertEquals("The signature of manifest " + SRC + " does not match any trusted key (" + trusted.id()
                + "): it was signed by key " + signer.id() + " (" + signer.text() + "), which is known here but not"
                + " trusted. If that is the publisher's key, trust it (key=" + signer.text() + "); otherwise re-sign"
                + " the release with a trusted key. Nothing was installed.", e.getMessage());
    }

    @Test
    void verify_whenNoKnownKeySigned_saysItWasChangedOrSignedByAnUnknownKey() throws Exception {
        byte[] sig = ManifestSignatures.sign(manifest, Ed25519Keys.generate().getPrivate());
        TrustedKey unrelated = TrustedKey.of(Ed25519Keys.generate().getPublic());

        UpdaterException e = assertThrows(UpdaterException.class,
                () -> ManifestSignatures.verify(manifest, sig, List.of(trusted), List.of(unrelated), SRC));

        assertEquals("The signature of manifest " + SRC + " does not match any trusted key (" + trusted.id()
                + "): the manifest was changed after signing or signed by a key this host does not trust."
                + " Nothing was installed.", e.getMessage());
    }

    @Test
    void verify_refusesAManifestChangedAfterSigning_evenByOneByte() throws Exception {
        byte[] sig = ManifestSignatures.sign(manifest, pair.getPrivate());
        byte[] tampered = manifest.clone();
        tampered[tampered.length / 2] ^= 1;
        UpdaterException e = assertThrows(UpdaterException.class,
                () -> ManifestSignatures.verify(tampered, sig, List.of(trusted), SRC));
        assertEquals(ErrorCode.SIGNATURE_INVALID, e.code());
        assertEquals("The signature of manifest " + SRC + " does not match any trusted key (" + trusted.id()
                + "): the manifest was changed after signing or signed by a key this host does not trust."
                + " Nothing was installed.", e.getMessage());
    }

    @Test
    void verify_refusesASignatureByAnUnknownKey() throws Exception {
        KeyPair stranger = Ed25519Keys.generate();
        byte[] sig = ManifestSignatures.sign(manifest, stranger.getPrivate());
        UpdaterException e = assertThrows(UpdaterException.class,
                () -> ManifestSignatures.verify(manifest, sig, List.of(trusted), SRC));
        assertEquals(ErrorCode.SIGNATURE_INVALID, e.code());
    }

    @Test
    void verify_refusesAFlippedSignatureByte() throws Exception {
        byte[] raw = Base64.getDecoder().decode(new String(ManifestSignatures.sign(manifest, pair.getPrivate()),
                StandardCharsets.US_ASCII).strip());
        raw[10] ^= 0x40;
        byte[] sig = Base64.getEncoder().encode(raw);
        assertEquals(ErrorCode.SIGNATURE_INVALID, assertThrows(UpdaterException.class,
                () -> ManifestSignatures.verify(manifest, sig, List.of(trusted), SRC)).code());
    }

    @Test
    void verify_refusesATruncatedSignature_asMalformed() throws Exception {
        String full = new String(ManifestSignatures.sign(manifest, pair.getPrivate()), StandardCharsets.US_ASCII).strip();
        byte[] raw = Base64.getDecoder().decode(full);
        byte[] truncated = Base64.getEncoder().encode(java.util.Arrays.copyOf(raw, 40));
        UpdaterException e = assertThrows(UpdaterException.class,
                () -> ManifestSignatures.verify(manifest, truncated, List.of(trusted), SRC));
        assertEquals(ErrorCode.SIGNATURE_MALFORMED, e.code());
        assertEquals("The signature of manifest " + SRC + " is 40 bytes, not the 64 of an Ed25519 signature; it is"
                + " truncated or not an Ed25519 signature. Re-publish the release.", e.getMessage());
    }

    @Test
    void verify_refusesNonBase64_asMalformed() {
        UpdaterException e = assertThrows(UpdaterException.class, () -> ManifestSignatures.verify(manifest,
                "<html>404</html>".getBytes(StandardCharsets.US_ASCII), List.of(trusted), SRC));
        assertEquals(ErrorCode.SIGNATURE_MALFORMED, e.code());
    }

    @Test
    void verify_refusesAMissingSignature() {
        for (byte[] none : new byte[][] {null, new byte[0]}) {
            UpdaterException e = assertThrows(UpdaterException.class,
                    () -> ManifestSignatures.verify(manifest, none, List.of(trusted), SRC));
            assertEquals(ErrorCode.SIGNATURE_MISSING, e.code());
            assertEquals("Manifest " + SRC + " has no signature (" + SRC + ".sig); publish it with 'updater-sidecar"
                    + " publish', or set insecure-allow-unsigned=true only for testing.", e.getMessage());
        }
    }

    @Test
    void verify_withNoTrustedKey_failsClosed() throws Exception {
        byte[] sig = ManifestSignatures.sign(manifest, pair.getPrivate());
        assertEquals(ErrorCode.SIGNATURE_INVALID, assertThrows(UpdaterException.class,
                () -> ManifestSignatures.verify(manifest, sig, List.of(), SRC)).code());
    }

    @Test
    void ourSignature_verifiesWithOpensslPkeyutl() throws Exception {
        Files.write(dir.resolve("manifest.json"), manifest);
        Files.writeString(dir.resolve("pub.pem"), Ed25519Keys.toPem(pair.getPublic()));
        byte[] sig = ManifestSignatures.sign(manifest, pair.getPrivate());
        Files.write(dir.resolve("sig.bin"), Base64.getDecoder().decode(new String(sig, StandardCharsets.US_ASCII).strip()));

        String out = OpenSsl.runOk(dir, "pkeyutl", "-verify", "-pubin", "-inkey", "pub.pem", "-rawin",
                "-in", "manifest.json", "-sigfile", "sig.bin");
        assertTrue(out.contains("Signature Verified Successfully"), out);

        Files.write(dir.resolve("manifest.json"), bytes(seed().replace("1.3.0", "1.3.1")));
        assertTrue(OpenSsl.run(dir, "pkeyutl", "-verify", "-pubin", "-inkey", "pub.pem", "-rawin",
                "-in", "manifest.json", "-sigfile", "sig.bin").exitCode() != 0, "openssl must reject a changed manifest");
    }

    @Test
    void opensslSignature_withOpensslKey_verifiesHere() throws Exception {
        Files.write(dir.resolve("manifest.json"), manifest);
        OpenSsl.runOk(dir, "genpkey", "-algorithm", "ed25519", "-out", "k.pem");
        OpenSsl.runOk(dir, "pkey", "-in", "k.pem", "-pubout", "-out", "k.pub");
        OpenSsl.runOk(dir, "pkeyutl", "-sign", "-inkey", "k.pem", "-rawin", "-in", "manifest.json", "-out", "sig.bin");
        byte[] sigFile = Base64.getEncoder().encode(Files.readAllBytes(dir.resolve("sig.bin")));

        TrustedKey opensslKey = TrustedKey.of(Ed25519Keys.parsePublicKey(Files.readString(dir.resolve("k.pub"))));
        assertEquals(opensslKey, ManifestSignatures.verify(manifest, sigFile, List.of(trusted, opensslKey), SRC));

        // and our signature with the OpenSSL private key is byte-identical (Ed25519 is deterministic)
        byte[] ours = ManifestSignatures.sign(manifest,
                Ed25519Keys.parsePrivateKey(Files.readString(dir.resolve("k.pem"))));
        assertEquals(new String(sigFile, StandardCharsets.US_ASCII), new String(ours, StandardCharsets.US_ASCII).strip());
    }
}
