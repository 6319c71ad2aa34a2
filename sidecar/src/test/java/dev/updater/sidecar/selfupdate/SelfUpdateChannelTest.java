package dev.updater.sidecar.selfupdate;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.signature.Ed25519Keys;
import dev.updater.core.signature.TrustedKey;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SelfUpdateChannelTest {
    private static final String KEY_A = Ed25519Keys.toText(Ed25519Keys.generate().getPublic());
    private static final String KEY_B = Ed25519Keys.toText(Ed25519Keys.generate().getPublic());

    @Test
    void parse_readsTheUrlAndEveryKey_forARotation() throws Exception {
        SelfUpdateChannel channel = SelfUpdateChannel.parse(" https://updates.example.com/updater/manifest.json ",
                KEY_A + " " + KEY_B, "built in");

        assertEquals(URI.create("https://updates.example.com/updater/manifest.json"), channel.manifest());
        assertEquals(List.of(KEY_A, KEY_B), channel.keys().stream().map(TrustedKey::text).toList());
    }

    @Test
    void parse_refusesAChannelWithoutKey_sayingWhatToPass() {
        UpdaterException e = assertThrows(UpdaterException.class,
                () -> SelfUpdateChannel.parse("https://updates.example.com/updater/manifest.json", null, "built in"));

        assertEquals(ErrorCode.SELF_UPDATE_UNAVAILABLE, e.code());
        assertEquals("The self-update channel built into this updater-sidecar is unusable:"
                + " /dev/updater/sidecar/self-update.properties must set manifest= and key=; pass --manifest URL and"
                + " --key ed25519:... instead, and report it to the updater's publisher.", e.getMessage());
    }

    @Test
    void of_withoutABuiltInChannelOrOptions_saysWhatToPass() {
        // classes from target/classes: a development build carries no channel
        UpdaterException e = assertThrows(UpdaterException.class, () -> SelfUpdateChannel.of(null, List.of()));

        assertEquals(ErrorCode.SELF_UPDATE_UNAVAILABLE, e.code());
        assertEquals("This updater-sidecar has no self-update channel built in (a development build, or released"
                + " without --channel-url), and no --manifest URL was given: pass --manifest URL and --key"
                + " ed25519:... of the channel that scripts/release.sh publishes, or reinstall with install.sh.",
                e.getMessage());
    }
}
