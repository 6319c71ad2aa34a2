package dev.updater.core.download;

/**
 * The cache validators a server sent with a manifest ({@code ETag}, {@code Last-Modified}); sent back
 * on the next poll so an unchanged manifest costs a {@code 304} and no body. Either may be null.
 */
public record Validators(String etag, String lastModified) {
    /** No validators: the next fetch is unconditional. */
    public static final Validators NONE = new Validators(null, null);

    public Validators {
        requireHeaderSafe(etag, "etag");
        requireHeaderSafe(lastModified, "lastModified");
    }

    public boolean isEmpty() {
        return etag == null && lastModified == null;
    }

    private static void requireHeaderSafe(String value, String name) {
        if (value == null) {
            return;
        }
        // Threat: a tampered state file injecting extra request headers through CR/LF.
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 && c != '\t' || c == 0x7f) {
                throw new IllegalArgumentException("A " + name + " validator cannot contain control characters, got \"" + value + "\"");
            }
        }
    }
}
