package dev.updater.core;

import dev.updater.core.text.Printable;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

class UpdaterExceptionTest {
    @Test
    void aMessageQuotingTerminalControls_isKeptPrintable_whateverTheCallerDid() {
        UpdaterException e = new UpdaterException(ErrorCode.HTTP_STATUS, "The server said \u001b[2J\u009b1A\u202e.");
        assertEquals("The server said \\e[2J\\u009b1A\\u202e.", e.getMessage());
    }

    @Test
    void aFloodOfAMessage_isCutAtTheLineLimit() {
        UpdaterException e = new UpdaterException(ErrorCode.IO, "x".repeat(100_000));
        assertEquals(Printable.MAX_LINE_LENGTH, e.getMessage().length());
        assertEquals("x".repeat(Printable.MAX_LINE_LENGTH - 3) + "...", e.getMessage());
    }

    @Test
    void aPlainMessage_andTheCause_areKeptAsTheyAre() {
        IllegalStateException cause = new IllegalStateException("raw \u001b");
        UpdaterException e = new UpdaterException(ErrorCode.IO, "Could not read /opt/app/Grüße.jar.", cause);
        assertEquals("Could not read /opt/app/Grüße.jar.", e.getMessage());
        assertSame(cause, e.getCause());
        assertNull(new UpdaterException(ErrorCode.IO, null).getMessage());
    }
}
