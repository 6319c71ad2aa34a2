package dev.updater.sidecar.ship;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Every relative link in README.md and docs/*.md leads to a file that exists, and to a heading that exists. */
class DocsLinksTest {
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    private static final Pattern HEADING = Pattern.compile("(?m)^#{1,6} (.+)$");
    /** Written under its own issue; a link to it is expected before it lands. */
    private static final Path PENDING = ShipFiles.ROOT.resolve("docs/sidecar.md");

    @Test
    void everyRelativeLink_resolves() throws Exception {
        List<String> broken = new ArrayList<>();
        boolean pendingLinked = false;
        for (Path doc : docs()) {
            String text = Files.readString(doc);
            Matcher link = LINK.matcher(text.replaceAll("(?s)```.*?```", ""));
            while (link.find()) {
                String href = link.group(1);
                if (href.matches("[a-z]+:.*")) {
                    continue; // https:, mailto:
                }
                String[] parts = href.split("#", 2);
                Path target = parts[0].isEmpty() ? doc : doc.getParent().resolve(parts[0]).normalize();
                if (target.equals(PENDING) && !Files.exists(PENDING)) {
                    pendingLinked = true;
                } else if (!Files.exists(target)) {
                    broken.add(ShipFiles.ROOT.relativize(doc) + ": " + href + " (no such file)");
                } else if (parts.length == 2 && target.toString().endsWith(".md") && !anchors(target).contains(parts[1])) {
                    broken.add(ShipFiles.ROOT.relativize(doc) + ": " + href + " (no such heading)");
                }
            }
        }
        assertEquals(List.of(), broken);
        assumeTrue(!pendingLinked, "links to docs/sidecar.md are not checked until that file exists");
    }

    private static List<Path> docs() throws Exception {
        List<Path> docs = new ArrayList<>(List.of(ShipFiles.file("README.md")));
        try (Stream<Path> files = Files.list(ShipFiles.ROOT.resolve("docs"))) {
            files.filter(f -> f.toString().endsWith(".md")).sorted().forEach(docs::add);
        }
        return docs;
    }

    /** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
    private static Set<String> anchors(Path doc) throws Exception {
        Set<String> anchors = new HashSet<>();
        Matcher heading = HEADING.matcher(Files.readString(doc).replaceAll("(?s)```.*?```", ""));
        while (heading.find()) {
            String text = heading.group(1).strip().replaceAll("`", "").toLowerCase(Locale.ROOT);
            anchors.add(text.replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-'));
        }
        return anchors;
    }
}
