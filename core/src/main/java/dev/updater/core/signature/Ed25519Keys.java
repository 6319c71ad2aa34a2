package dev.updater.core.signature;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.text.Printable;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ed25519 keys with the JDK's own provider, in the forms operators meet: the one-line
 * {@code ed25519:<Base64 SPKI DER>} the agent's {@code key=} takes, and the PEM files OpenSSL 3
 * reads and writes ({@code openssl genpkey -algorithm ed25519}: PKCS#8 private, SPKI public).
 */
public final class Ed25519Keys {
    public static final String TEXT_PREFIX = "ed25519:";
    /** The Base64 of the SPKI header every Ed25519 public key starts with (12 bytes: 16 characters). */
    private static final String SPKI_BASE64 = "MCowBQYDK2VwAyEA";
    /** The Base64 length of a whole Ed25519 SPKI: 44 bytes, 60 characters, the last one '='. */
    private static final int SPKI_TEXT_LENGTH = 60;
    /** The shape an operator should see next to what is wrong. */
    private static final String SHAPE = "a public key is one line: ed25519:" + SPKI_BASE64 + " and 44 more Base64"
            + " characters, 68 in all, ending in '=' (the line 'updater-sidecar keygen' prints)";
    private static final String ALGORITHM = "Ed25519";
    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]*)-----END \\1-----");

    private Ed25519Keys() {
    }

    public static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("This JVM lacks Ed25519, which Java 15 and newer provide", e);
        }
    }

    /**
     * The public half of an Ed25519 private key. The JDK has no direct call for it, so the key pair
     * is generated again from the private key's 32-byte seed (the only randomness Ed25519 key
     * generation draws), which yields the same public key.
     */
    public static PublicKey publicKeyOf(PrivateKey key) throws UpdaterException {
        byte[] seed = key instanceof EdECPrivateKey edKey ? edKey.getBytes().orElse(null) : null;
        if (seed == null || seed.length != 32) {
            throw new UpdaterException(ErrorCode.KEY_MALFORMED, "The private key is not an Ed25519 key with a"
                    + " 32-byte seed; create one with 'updater-sidecar keygen'.");
        }
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(ALGORITHM);
            generator.initialize(NamedParameterSpec.ED25519, new SeedRandom(seed));
            return generator.generateKeyPair().getPublic();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("This JVM lacks Ed25519, which Java 15 and newer provide", e);
        }
    }

    /** {@code ed25519:<Base64 SPKI DER>}. */
    public static String toText(PublicKey key) {
        return TEXT_PREFIX + Base64.getEncoder().encodeToString(key.getEncoded());
    }

    /**
     * Reads a public key written as {@code ed25519:<Base64>} or as a PEM {@code PUBLIC KEY} block.
     *
     * @throws UpdaterException {@code KEY_MALFORMED} saying which form was expected
     */
    public static PublicKey parsePublicKey(String text) throws UpdaterException {
        String trimmed = text == null ? "" : text.strip();
        byte[] der;
        if (trimmed.startsWith(TEXT_PREFIX)) {
            der = textKey(trimmed);
        } else if (trimmed.startsWith("-----BEGIN")) {
            der = pemBlock(trimmed, "PUBLIC KEY");
        } else {
            throw new UpdaterException(ErrorCode.KEY_MALFORMED, "Public key \"" + abbreviate(trimmed)
                    + "\" is neither ed25519:<Base64> nor a PEM PUBLIC KEY block"
                    + (trimmed.startsWith(SPKI_BASE64) ? " (it lacks the prefix ed25519:)" : "") + "; " + SHAPE
                    + ", or give the updater.pub file.");
        }
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new UpdaterException(ErrorCode.KEY_MALFORMED, "Public key \"" + abbreviate(trimmed)
                    + "\" is not an Ed25519 key (" + e.getMessage() + "); updater signs with Ed25519 only.", e);
        }
    }

    /** A PEM {@code PUBLIC KEY} block, as {@code openssl pkey -pubout} writes it. */
    public static String toPem(PublicKey key) {
        return pem("PUBLIC KEY", key.getEncoded());
    }

    /** A PEM {@code PRIVATE KEY} (PKCS#8) block, as {@code openssl genpkey} writes it. */
    public static String toPem(PrivateKey key) {
        return pem("PRIVATE KEY", key.getEncoded());
    }

    /** Reads a PEM {@code PRIVATE KEY} (PKCS#8) block holding an Ed25519 key. */
    public static PrivateKey parsePrivateKey(String pem) throws UpdaterException {
        byte[] der = pemBlock(pem == null ? "" : pem, "PRIVATE KEY");
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new UpdaterException(ErrorCode.KEY_MALFORMED, "The private key is not an Ed25519 PKCS#8 key ("
                    + e.getMessage() + "); create one with 'updater-sidecar keygen' or"
                    + " 'openssl genpkey -algorithm ed25519'.", e);
        }
    }

    /**
     * {@code ed25519:} and the Base64 of the 44-byte SPKI: say what is wrong with the text itself (a key
     * cut off when copied, a character that is no Base64, another kind of key) rather than what the
     * JDK's decoder says ("IOException: null").
     */
    private static byte[] textKey(String trimmed) throws UpdaterException {
        String body = trimmed.substring(TEXT_PREFIX.length());
        String start = "Public key \"" + abbreviate(trimmed) + "\" ";
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            boolean base64 = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+'
                    || c == '/' || c == '=';
            if (!base64) {
                String shown = c == ' ' ? "a space" : Character.isWhitespace(c) ? "a line break or tab"
                        : "'" + Printable.of(String.valueOf(c)) + "'";
                throw new UpdaterException(ErrorCode.KEY_MALFORMED, start + "has " + shown + " at character "
                        + (TEXT_PREFIX.length() + i + 1) + ", which is not Base64; " + SHAPE + ".");
            }
        }
        if (body.length() != SPKI_TEXT_LENGTH) {
            throw new UpdaterException(ErrorCode.KEY_MALFORMED, start + "has " + body.length() + " Base64 characters"
                    + " after ed25519:, not " + SPKI_TEXT_LENGTH + (body.length() < SPKI_TEXT_LENGTH
                    ? ": it was cut off when copied" : ": something was added to it") + "; " + SHAPE + ".");
        }
        if (!body.startsWith(SPKI_BASE64)) {
            throw new UpdaterException(ErrorCode.KEY_MALFORMED, start + "does not start with " + SPKI_BASE64
                    + ", as every Ed25519 public key does: it is another kind of key, or not a key; " + SHAPE + ".");
        }
        return base64(body, "public key " + abbreviate(trimmed));
    }

    private static byte[] pemBlock(String text, String label) throws UpdaterException {
        Matcher matcher = PEM.matcher(text);
        while (matcher.find()) {
            if (matcher.group(1).equals(label)) {
                return base64(matcher.group(2).replaceAll("\\s", ""), "PEM " + label + " block");
            }
        }
        String hint = label.equals("PRIVATE KEY") && text.contains("PUBLIC KEY")
                ? " This looks like a public key; signing needs the private key file." : "";
        throw new UpdaterException(ErrorCode.KEY_MALFORMED,
                "No PEM \"-----BEGIN " + label + "-----\" block found." + hint);
    }

    private static byte[] base64(String text, String what) throws UpdaterException {
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new UpdaterException(ErrorCode.KEY_MALFORMED, "The " + what + " is not valid Base64: "
                    + e.getMessage() + ".", e);
        }
    }

    private static String pem(String label, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
    }

    static String abbreviate(String text) {
        return Printable.of(text, 40);
    }

    /** Hands out one fixed seed; used only to re-derive a key pair from its private key. */
    private static final class SeedRandom extends SecureRandom {
        private static final long serialVersionUID = 1L;
        private final byte[] seed;

        SeedRandom(byte[] seed) {
            super(new byte[0]);
            this.seed = seed.clone();
        }

        @Override
        public void nextBytes(byte[] bytes) {
            if (bytes.length != seed.length) {
                throw new IllegalStateException("Ed25519 key generation asked for " + bytes.length + " bytes, not 32");
            }
            System.arraycopy(seed, 0, bytes, 0, seed.length);
        }
    }
}
