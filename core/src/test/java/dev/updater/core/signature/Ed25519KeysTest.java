package dev.updater.core.signature;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Ed25519KeysTest {
    @TempDir
    Path dir;

    @Test
    void publicKey_roundTripsThroughTextAndPem() throws Exception {
        KeyPair pair = Ed25519Keys.generate();
        String text = Ed25519Keys.toText(pair.getPublic());
        assertTrue(text.startsWith("ed25519:MCowBQYDK2VwAyEA"), text); // SPKI DER header of every Ed25519 key
        assertArrayEquals(pair.getPublic().getEncoded(), Ed25519Keys.parsePublicKey(text).getEncoded());
        assertArrayEquals(pair.getPublic().getEncoded(),
                Ed25519Keys.parsePublicKey(Ed25519Keys.toPem(pair.getPublic())).getEncoded());
    }

    @Test
    void trustedKeyId_isTheSameForEveryFormOfTheKey() throws Exception {
        KeyPair pair = Ed25519Keys.generate();
        TrustedKey fromText = TrustedKey.of(Ed25519Keys.parsePublicKey(Ed25519Keys.toText(pair.getPublic())));
        TrustedKey fromPem = TrustedKey.of(Ed25519Keys.parsePublicKey(Ed25519Keys.toPem(pair.getPublic())));
        assertEquals(16, fromText.id().length());
        assertEquals(fromText.id(), fromPem.id());
        assertEquals(Ed25519Keys.toText(pair.getPublic()), fromPem.text());
    }

    @Test
    void publicKeyOf_derivesThePublicHalf_ofOurKeysAndOpensslKeys() throws Exception {
        KeyPair pair = Ed25519Keys.generate();
        assertArrayEquals(pair.getPublic().getEncoded(), Ed25519Keys.publicKeyOf(pair.getPrivate()).getEncoded());

        OpenSsl.runOk(dir, "genpkey", "-algorithm", "ed25519", "-out", "k.pem");
        OpenSsl.runOk(dir, "pkey", "-in", "k.pem", "-pubout", "-out", "k.pub");
        PrivateKey priv = Ed25519Keys.parsePrivateKey(Files.readString(dir.resolve("k.pem")));
        assertEquals(Files.readString(dir.resolve("k.pub")), Ed25519Keys.toPem(Ed25519Keys.publicKeyOf(priv)));
    }

    @Test
    void opensslGeneratedKeys_areReadFromTheirPemFiles() throws Exception {
        OpenSsl.runOk(dir, "genpkey", "-algorithm", "ed25519", "-out", "k.pem");
        OpenSsl.runOk(dir, "pkey", "-in", "k.pem", "-pubout", "-out", "k.pub");
        PrivateKey priv = Ed25519Keys.parsePrivateKey(Files.readString(dir.resolve("k.pem")));
        PublicKey pub = Ed25519Keys.parsePublicKey(Files.readString(dir.resolve("k.pub")));
        assertEquals("EdDSA", pub.getAlgorithm());
        assertEquals("EdDSA", priv.getAlgorithm());
    }

    @Test
    void ourPemFiles_areReadByOpenssl_andDeriveTheSamePublicKey() throws Exception {
        KeyPair pair = Ed25519Keys.generate();
        Files.writeString(dir.resolve("ours.key"), Ed25519Keys.toPem(pair.getPrivate()));
        Files.writeString(dir.resolve("ours.pub"), Ed25519Keys.toPem(pair.getPublic()));

        String derived = OpenSsl.runOk(dir, "pkey", "-in", "ours.key", "-pubout");
        OpenSsl.runOk(dir, "pkey", "-pubin", "-in", "ours.pub", "-noout");

        assertEquals(Ed25519Keys.toPem(pair.getPublic()), derived);
    }

    private static final String SHAPE = "a public key is one line: ed25519:MCowBQYDK2VwAyEA and 44 more Base64"
            + " characters, 68 in all, ending in '=' (the line 'updater-sidecar keygen' prints)";

    @Test
    void parsePublicKey_ofAKeyCutOffWhenCopied_saysItsLengthAndTheShape_notWhatTheDecoderSaid() {
        String whole = Ed25519Keys.toText(Ed25519Keys.generate().getPublic());
        String cut = whole.substring(0, 40);

        UpdaterException e = assertThrows(UpdaterException.class, () -> Ed25519Keys.parsePublicKey(cut));

        assertEquals(ErrorCode.KEY_MALFORMED, e.code());
        assertEquals("Public key \"" + cut + "\" has 32 Base64 characters after ed25519:, not 60: it was cut off"
                + " when copied; " + SHAPE + ".", e.getMessage());
        assertFalse(e.getMessage().contains("IOException"), e.getMessage());
    }

    @Test
    void parsePublicKey_ofAnotherKindOfKey_saysItsStartIsNotEd25519s() {
        String ed25519 = Ed25519Keys.toText(Ed25519Keys.generate().getPublic());
        // an X25519 key has the same length; only its algorithm identifier (K2Vu, not K2Vw) differs
        String rsaLike = ed25519.replace("MCowBQYDK2VwAyEA", "MCowBQYDK2VuAyEA");

        UpdaterException e = assertThrows(UpdaterException.class, () -> Ed25519Keys.parsePublicKey(rsaLike));

        assertEquals("Public key \"" + rsaLike.substring(0, 37) + "...\" does not start with MCowBQYDK2VwAyEA, as"
                + " every Ed25519 public key does: it is another kind of key, or not a key; " + SHAPE + ".",
                e.getMessage());
    }

    @Test
    void parsePublicKey_refusesOtherFormsAndAlgorithms_withWhatToDo() throws Exception {
        UpdaterException noPrefix = assertThrows(UpdaterException.class, () -> Ed25519Keys.parsePublicKey("MCowBQYDK2Vw"));
        assertEquals(ErrorCode.KEY_MALFORMED, noPrefix.code());
        assertEquals("Public key \"MCowBQYDK2Vw\" is neither ed25519:<Base64> nor a PEM PUBLIC KEY block; " + SHAPE
                + ", or give the updater.pub file.", noPrefix.getMessage());

        UpdaterException badBase64 = assertThrows(UpdaterException.class, () -> Ed25519Keys.parsePublicKey("ed25519:%%%"));
        assertEquals(ErrorCode.KEY_MALFORMED, badBase64.code());
        assertEquals("Public key \"ed25519:%%%\" has '%' at character 9, which is not Base64; " + SHAPE + ".",
                badBase64.getMessage());

        OpenSsl.runOk(dir, "genpkey", "-algorithm", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "ec.pem");
        OpenSsl.runOk(dir, "pkey", "-in", "ec.pem", "-pubout", "-out", "ec.pub");
        UpdaterException ec = assertThrows(UpdaterException.class,
                () -> Ed25519Keys.parsePublicKey(Files.readString(dir.resolve("ec.pub"))));
        assertEquals(ErrorCode.KEY_MALFORMED, ec.code());
        assertTrue(ec.getMessage().contains("is not an Ed25519 key"), ec.getMessage());

        String truncated = "ed25519:" + Base64.getEncoder().encodeToString(new byte[] {0x30, 0x2a, 0x30});
        assertEquals(ErrorCode.KEY_MALFORMED,
                assertThrows(UpdaterException.class, () -> Ed25519Keys.parsePublicKey(truncated)).code());
    }

    @Test
    void parsePrivateKey_givenThePublicFile_saysSo() {
        KeyPair pair = Ed25519Keys.generate();
        UpdaterException e = assertThrows(UpdaterException.class,
                () -> Ed25519Keys.parsePrivateKey(Ed25519Keys.toPem(pair.getPublic())));
        assertEquals(ErrorCode.KEY_MALFORMED, e.code());
        assertEquals("No PEM \"-----BEGIN PRIVATE KEY-----\" block found. This looks like a public key; signing"
                + " needs the private key file.", e.getMessage());
    }
}
