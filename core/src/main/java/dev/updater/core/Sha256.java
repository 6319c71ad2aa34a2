package dev.updater.core;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * A SHA-256 digest, always 64 lower-case hex digits. Parsing is the only way in, so a malformed
 * digest cannot exist past the manifest parser.
 */
public record Sha256(String hex) {
    public Sha256 {
        if (!isValidHex(hex)) {
            throw new IllegalArgumentException("A SHA-256 digest is 64 hex digits, got " + quote(hex));
        }
        hex = hex.toLowerCase(Locale.ROOT);
    }

    public static boolean isValidHex(String hex) {
        if (hex == null || hex.length() != 64) {
            return false;
        }
        for (int i = 0; i < hex.length(); i++) {
            if (Character.digit(hex.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }

    public static Sha256 of(byte[] digest) {
        if (digest.length != 32) {
            throw new IllegalArgumentException("A SHA-256 digest is 32 bytes, got " + digest.length);
        }
        return new Sha256(HexFormat.of().formatHex(digest));
    }

    public static Sha256 ofBytes(byte[] data) {
        return of(newDigest().digest(data));
    }

    /** Hashes a file without following a symbolic link at its last path element. */
    public static Sha256 ofFile(Path file) throws IOException {
        MessageDigest digest = newDigest();
        try (InputStream in = Files.newInputStream(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            byte[] buffer = new byte[1 << 16];
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
        }
        return of(digest.digest());
    }

    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("This JVM has no SHA-256, which every Java SE runtime must provide", e);
        }
    }

    @Override
    public String toString() {
        return hex;
    }

    private static String quote(String s) {
        return s == null ? "null" : "\"" + s + "\"";
    }
}
