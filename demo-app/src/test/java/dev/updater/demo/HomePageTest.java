package dev.updater.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HomePageTest {
    private static final VersionChange UPDATE =
            new VersionChange("1.0.0", "1.1.0", Instant.parse("2026-02-07T12:00:00Z"));

    @Test
    void render_showsEveryFact() {
        String html = new HomePage("Hello.", "body { color: red; }", "")
                .render(new Status("1.1.0", Duration.ofSeconds(185), 42, Optional.of(UPDATE)));

        assertTrue(html.contains("<title>demo-app 1.1.0</title>"), html);
        assertTrue(html.contains("<p id=\"message\">Hello.</p>"), html);
        assertTrue(html.contains("<dd id=\"version\">1.1.0</dd>"), html);
        assertTrue(html.contains("<dd id=\"uptime\">3m 05s</dd>"), html);
        assertTrue(html.contains("<dd id=\"updated-from\">updated from 1.0.0 at 2026-02-07T12:00:00Z</dd>"), html);
        assertTrue(html.contains("<dd id=\"visits\">42</dd>"), html);
        assertTrue(html.contains("<style>\nbody { color: red; }</style>"), html);
    }

    @Test
    void render_withoutAChange_saysThisIsTheFirstVersion() {
        String html = new HomePage("Hello.", "", "")
                .render(new Status("1.0.0", Duration.ZERO, 0, Optional.empty()));

        assertTrue(html.contains(
                "<dd id=\"updated-from\">nothing yet: this is the first version that ran on this data file</dd>"), html);
    }

    @Test
    void render_placesTheExtraHtmlBeforeTheFooter() {
        String html = new HomePage("Hello.", "", "<section id=\"x\">new</section>")
                .render(new Status("1.0.0", Duration.ZERO, 0, Optional.empty()));

        assertTrue(html.contains("</dl>\n<section id=\"x\">new</section>\n<footer>"), html);
    }

    @Test
    void render_escapesTheMessageAndTheVersion() {
        String html = new HomePage("<script>alert('x')</script> & more", "", "")
                .render(new Status("1.0.0<b>", Duration.ZERO, 0, Optional.empty()));

        assertTrue(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more"), html);
        assertTrue(html.contains("<dd id=\"version\">1.0.0&lt;b&gt;</dd>"), html);
        assertFalse(html.contains("<script>"), html);
    }

    @Test
    void escape_replacesTheFiveSpecialCharacters() {
        assertEquals("&lt;a href=&quot;x&quot;&gt;&amp;&#39;", HomePage.escape("<a href=\"x\">&'"));
    }
}
