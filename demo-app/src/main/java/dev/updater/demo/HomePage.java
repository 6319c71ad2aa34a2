package dev.updater.demo;

import java.util.Objects;

/**
 * The status page every release shows at {@code /}: version, uptime, the version it was updated
 * from, the visit counter and the release's message. A release chooses the message, the look and
 * anything it adds below the facts.
 *
 * <pre>{@code
 * new HomePage("Hello from 1.1.0.", DARK_STYLESHEET, "<section>New in 1.1.0 …</section>").render(status)
 * }</pre>
 *
 * @param message    one sentence of plain text, escaped when rendered
 * @param stylesheet CSS, placed as is
 * @param extraHtml  HTML placed as is after the facts; empty for none
 */
public record HomePage(String message, String stylesheet, String extraHtml) {

    public HomePage {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(stylesheet, "stylesheet");
        Objects.requireNonNull(extraHtml, "extraHtml");
    }

    public String render(Status status) {
        String version = escape(status.version());
        String updatedFrom = status.change()
                .map(change -> escape(change.describe()) + " at " + change.at())
                .orElse("nothing yet: this is the first version that ran on this data file");
        return """
                <!DOCTYPE html>
                <html lang="en">
                <head>
                <meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <title>demo-app %1$s</title>
                <style>
                %2$s</style>
                </head>
                <body>
                <main>
                <h1>demo-app %1$s</h1>
                <p id="message">%3$s</p>
                <dl>
                <dt>Version</dt><dd id="version">%1$s</dd>
                <dt>Up for</dt><dd id="uptime">%4$s</dd>
                <dt>Updated from</dt><dd id="updated-from">%5$s</dd>
                <dt>Visits</dt><dd id="visits">%6$d</dd>
                </dl>
                %7$s<footer>Reload to count a visit. Also: <a href="/health">/health</a>, <a href="/version">/version</a>.</footer>
                </main>
                </body>
                </html>
                """.formatted(version, stylesheet, escape(message), status.uptimeText(), updatedFrom,
                status.visits(), extraHtml.isEmpty() ? "" : extraHtml + "\n");
    }

    /** Escapes text for an HTML element or a quoted attribute. */
    public static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
