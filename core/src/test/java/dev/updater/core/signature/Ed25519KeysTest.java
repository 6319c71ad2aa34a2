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

    @Test
    void parsePublicKey_refusesOtherFormsAndAlgorithms_withWhatToDo() throws Exception {
        UpdaterException noPrefix = assertThrows(UpdaterException.class, () -> Ed25519Keys.parsePublicKey("MCowBQYDK2Vw"));
        assertEquals(ErrorCode.KEY_MALFORMED, noPrefix.code());
        assertEquals("Public key \"MCowBQYDK2Vw\" is neither ed25519:<Base64> nor a PEM PUBLIC KEY block; use the line"
                + " printed by 'updater-sidecar keygen' or the updater.pub file.", noPrefix.getMessage());

        UpdaterException badBase64 = assertThrows(UpdaterException.class, () -> Ed25519Keys.parsePublicKey("ed25519:%%%"));
        assertEquals(ErrorCode.KEY_MALFORMED, badBase64.code());
        assertTrue(badBase64.getMessage().startsWith("The public key ed25519:%%% is not valid Base64"),
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
