package dev.updater.core.download;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ValidatorsTest {
    @Test
    void none_isEmpty() {
        assertTrue(Validators.NONE.isEmpty());
        assertFalse(new Validators("\"x\"", null).isEmpty());
        assertFalse(new Validators(null, "Sat, 07 Feb 2026 12:00:00 GMT").isEmpty());
    }

    @Test
    void controlCharacters_areRejectedSoNoHeaderCanBeInjected() {
        assertThrows(IllegalArgumentException.class, () -> new Validators("\"x\"\r\nAuthorization: y", null));
        assertThrows(IllegalArgumentException.class, () -> new Validators(null, "Sat\n"));
    }
}
