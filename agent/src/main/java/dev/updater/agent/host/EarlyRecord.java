package dev.updater.agent.host;

import dev.updater.core.UpdaterException;
import dev.updater.core.home.AtomicFiles;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The first {@code agent.json}, written by hand before Jackson loads: pid, start time and target,
 * enough for the sidecar to recognise a host that dies before the agent gets further. The full
 * record replaces it moments later.
 */
public final class EarlyRecord {
    private EarlyRecord() {
    }

    public static void write(Path file, HostProcess host, Path target, String targetSha256) throws UpdaterException {
        StringBuilder json = new StringBuilder("{\n");
        json.append("  \"pid\" : ").append(host.pid()).append(",\n");
        json.append("  \"startedAt\" : ").append(quote(host.startedAt().toString())).append(",\n");
        json.append("  \"target\" : ").append(quote(target.toString())).append(",\n");
        if (targetSha256 != null) {
            json.append("  \"targetSha256\" : ").append(quote(targetSha256)).append(",\n");
        }
        json.append("  \"ready\" : false,\n  \"exiting\" : false,\n");
        json.append("  \"updatedAt\" : ").append(quote(Instant.now().toString())).append("\n}\n");
        AtomicFiles.write(file, json.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** A JSON string literal: quotes, backslashes and control characters escaped. */
    static String quote(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
