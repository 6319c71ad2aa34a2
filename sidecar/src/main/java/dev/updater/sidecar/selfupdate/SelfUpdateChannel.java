package dev.updater.sidecar.selfupdate;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.signature.Ed25519Keys;
import dev.updater.core.signature.TrustedKey;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

/**
 * The updater's own release channel: the manifest URL and the keys trusted to sign it. A release
 * built by {@code scripts/release.sh --channel-url URL} carries them in {@link #RESOURCE}:
 *
 * <pre>
 * manifest=https://updates.example.com/updater/manifest.json
 * key=ed25519:MCowBQYDK2VwAyEA...
 * </pre>
 *
 * ({@code key} may list several keys, separated by spaces, for a rotation). {@code self-update
 * --manifest/--key} override them. A development build carries none.
 *
 * @param manifest the manifest URL
 * @param keys the keys trusted to sign it, at least one
 * @param origin where these came from, for messages ("built into this jar", "--manifest and --key")
 */
public record SelfUpdateChannel(URI manifest, List<TrustedKey> keys, String origin) {
    /** Written into the released sidecar jar by scripts/release.sh. */
    public static final String RESOURCE = "/dev/updater/sidecar/self-update.properties";

    public SelfUpdateChannel {
        Objects.requireNonNull(manifest, "manifest");
        keys = List.copyOf(keys);
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("a self-update channel needs at least one trusted key");
        }
    }

    /** The channel built into this jar, if any. */
    public static Optional<SelfUpdateChannel> builtIn() throws UpdaterException {
        try (InputStream in = SelfUpdateChannel.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return Optional.empty();
            }
            Properties properties = new Properties();
            properties.load(new InputStreamReader(in, StandardCharsets.UTF_8));
            return Optional.of(parse(properties.getProperty("manifest"), properties.getProperty("key"),
                    "built into this jar (" + RESOURCE.substring(1) + ")"));
        } catch (IOException e) {
            throw unusable("cannot read " + RESOURCE + " inside this jar: " + e);
        }
    }

    /**
     * The channel to check: {@code manifest} and {@code keys} from the command line where given, the
     * built-in ones for the rest.
     */
    public static SelfUpdateChannel of(URI manifest, List<TrustedKey> keys) throws UpdaterException {
        Optional<SelfUpdateChannel> builtIn = builtIn();
        URI url = manifest != null ? manifest : builtIn.map(SelfUpdateChannel::manifest).orElse(null);
        List<TrustedKey> trusted = !keys.isEmpty() ? keys : builtIn.map(SelfUpdateChannel::keys).orElse(List.of());
        if (url == null || trusted.isEmpty()) {
            throw new UpdaterException(ErrorCode.SELF_UPDATE_UNAVAILABLE, "This updater-sidecar has no self-update"
                    + " channel built in (a development build, or released without --channel-url), and "
                    + (url == null ? "no --manifest URL" : "no --key") + " was given: pass --manifest URL and --key"
                    + " ed25519:... of the channel that scripts/release.sh publishes, or reinstall with install.sh.");
        }
        String origin = manifest == null && keys.isEmpty() ? builtIn.get().origin()
                : manifest != null && !keys.isEmpty() ? "--manifest and --key" : "the command line and this jar";
        return new SelfUpdateChannel(url, trusted, origin);
    }

    static SelfUpdateChannel parse(String manifest, String keyList, String origin) throws UpdaterException {
        if (manifest == null || manifest.isBlank() || keyList == null || keyList.isBlank()) {
            throw unusable(RESOURCE + " must set manifest= and key=");
        }
        URI url;
        try {
            url = URI.create(manifest.strip());
        } catch (IllegalArgumentException e) {
            throw unusable(RESOURCE + "'s manifest= is not a URL: " + e.getMessage());
        }
        if (!url.isAbsolute()) {
            throw unusable(RESOURCE + "'s manifest= is not an absolute URL: " + manifest);
        }
        List<TrustedKey> keys = new ArrayList<>();
        for (String text : keyList.strip().split("[\\s,]+")) {
            keys.add(TrustedKey.of(Ed25519Keys.parsePublicKey(text)));
        }
        return new SelfUpdateChannel(url, keys, origin);
    }

    private static UpdaterException unusable(String what) {
        return new UpdaterException(ErrorCode.SELF_UPDATE_UNAVAILABLE, "The self-update channel built into this"
                + " updater-sidecar is unusable: " + what + "; pass --manifest URL and --key ed25519:... instead, and"
                + " report it to the updater's publisher.");
    }
}
