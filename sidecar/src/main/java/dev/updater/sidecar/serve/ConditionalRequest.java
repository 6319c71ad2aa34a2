package dev.updater.sidecar.serve;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The validator checks of RFC 9110 §13 that a read-only file server needs: {@code If-None-Match}
 * and {@code If-Modified-Since} for 304, {@code If-Range} for resuming a download safely.
 */
final class ConditionalRequest {
    private static final Pattern ENTITY_TAG = Pattern.compile("(W/)?\"[^\"]*\"");

    private ConditionalRequest() {
    }

    /**
     * Whether the client's copy is current. {@code If-None-Match} wins when present (weak
     * comparison, "*" matches any file); {@code If-Modified-Since} is consulted only without it.
     *
     * @param ifNoneMatch every {@code If-None-Match} header value, or null
     * @param ifModifiedSince the {@code If-Modified-Since} value, or null
     */
    static boolean notModified(List<String> ifNoneMatch, String ifModifiedSince, String entityTag,
            Instant lastModified) {
        if (ifNoneMatch != null && !ifNoneMatch.isEmpty()) {
            String opaque = opaqueTag(entityTag);
            for (String value : ifNoneMatch) {
                if (value.trim().equals("*")) {
                    return true;
                }
                Matcher matcher = ENTITY_TAG.matcher(value);
                while (matcher.find()) {
                    if (opaqueTag(matcher.group()).equals(opaque)) {
                        return true;
                    }
                }
            }
            return false;
        }
        Optional<Instant> since = HttpDate.parse(ifModifiedSince);
        return since.isPresent() && !lastModified.truncatedTo(ChronoUnit.SECONDS).isAfter(since.get());
    }

    /**
     * Whether a {@code Range} may be honoured: without {@code If-Range}, yes; with it, only if it
     * names the current file, by strong entity tag or by exact {@code Last-Modified} date.
     * Otherwise the client's partial copy is of other bytes and it gets the whole file.
     */
    static boolean rangeStillValid(String ifRange, String entityTag, Instant lastModified) {
        if (ifRange == null) {
            return true;
        }
        String value = ifRange.trim();
        if (value.startsWith("W/")) {
            return false; // a weak tag never validates a range
        }
        if (value.startsWith("\"")) {
            return value.equals(entityTag);
        }
        Optional<Instant> date = HttpDate.parse(value);
        return date.isPresent() && date.get().equals(lastModified.truncatedTo(ChronoUnit.SECONDS));
    }

    private static String opaqueTag(String tag) {
        return tag.startsWith("W/") ? tag.substring(2) : tag;
    }
}
