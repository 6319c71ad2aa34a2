package dev.updater.demo.release;

import dev.updater.demo.HomePage;
import dev.updater.demo.Release;
import dev.updater.demo.Response;
import dev.updater.demo.Status;
import dev.updater.demo.VersionChange;
import java.util.Optional;

/**
 * Release 1.1.0: what a person sees change after the update — a dark theme, a "what's new" note,
 * and the page's facts as JSON at {@code /api/stats}.
 */
public final class DarkThemeRelease implements Release {
    static final String MESSAGE = "Hello from demo-app 1.1.0, now in a dark theme and with a JSON API.";
    static final String STATS_PATH = "/api/stats";

    private static final String DARK = """
            body { font-family: system-ui, sans-serif; background: #15181d; color: #e6e6e6; margin: 0; }
            main { max-width: 40rem; margin: 3rem auto; padding: 0 1rem; }
            h1 { font-weight: 600; color: #8ab4f8; }
            dt { font-weight: 600; margin-top: .6rem; color: #9aa0a6; }
            dd { margin-left: 0; }
            a { color: #8ab4f8; }
            #whats-new { margin-top: 1.5rem; padding: .8rem 1rem; border-left: 4px solid #81c995; background: #1f242b; }
            footer { margin-top: 2rem; color: #9aa0a6; font-size: .9rem; }
            """;

    private static final String WHATS_NEW = """
            <section id="whats-new"><strong>New in 1.1.0:</strong> this dark theme, and the same \
            facts as JSON at <a href="/api/stats">/api/stats</a>.</section>""";

    @Override
    public String homePage(Status status) {
        return new HomePage(MESSAGE, DARK, WHATS_NEW).render(status);
    }

    @Override
    public Optional<Response> answer(String path, Status status) {
        if (!path.equals(STATS_PATH)) {
            return Optional.empty();
        }
        return Optional.of(new Response(200, "application/json", statsJson(status)));
    }

    /** {@code {"version":"1.1.0","uptimeSeconds":12,"visits":3,"updatedFrom":"1.0.0","updatedAt":"…"}}. */
    static String statsJson(Status status) {
        Optional<VersionChange> change = status.change();
        return "{\"version\":" + jsonString(status.version())
                + ",\"uptimeSeconds\":" + status.uptime().toSeconds()
                + ",\"visits\":" + status.visits()
                + ",\"updatedFrom\":" + change.map(c -> jsonString(c.from())).orElse("null")
                + ",\"updatedAt\":" + change.map(c -> jsonString(c.at().toString())).orElse("null")
                + "}\n";
    }

    private static String jsonString(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
