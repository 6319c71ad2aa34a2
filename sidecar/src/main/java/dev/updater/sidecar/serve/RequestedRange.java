package dev.updater.sidecar.serve;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a {@code Range} header asks of a file of known size (RFC 9110 §14).
 *
 * <pre>{@code
 * RequestedRange.parse("bytes=100-", 1000)  // Part[first=100, last=999]
 * RequestedRange.parse("bytes=-10", 1000)   // Part[first=990, last=999]
 * RequestedRange.parse("bytes=1000-", 1000) // Unsatisfiable
 * RequestedRange.parse("bytes=0-1,5-6", 10) // Whole: one range is enough for resuming downloads
 * }</pre>
 */
sealed interface RequestedRange {
    /** "first-last", "first-" or "-suffixLength", with optional spaces around the numbers. */
    Pattern SINGLE_RANGE = Pattern.compile("\\s*(\\d*)\\s*-\\s*(\\d*)\\s*");

    /** No range, or one the server may ignore (malformed, several ranges, another unit): the whole file. */
    record Whole() implements RequestedRange {
    }

    /** Bytes {@code first} to {@code last}, both inclusive and inside the file. */
    record Part(long first, long last) implements RequestedRange {
        public Part {
            if (first < 0 || last < first) {
                throw new IllegalArgumentException("not a byte range: " + first + "-" + last);
            }
        }

        long length() {
            return last - first + 1;
        }
    }

    /** A well-formed range that selects nothing of the file: 416. */
    record Unsatisfiable() implements RequestedRange {
    }

    static RequestedRange parse(String header, long size) {
        if (header == null) {
            return new Whole();
        }
        String value = header.trim();
        int equals = value.indexOf('=');
        // The range unit is case-insensitive; other units are ignored, as RFC 9110 requires.
        if (equals < 0 || !value.substring(0, equals).trim().toLowerCase(Locale.ROOT).equals("bytes")) {
            return new Whole();
        }
        String set = value.substring(equals + 1);
        if (set.indexOf(',') >= 0) {
            return new Whole();
        }
        Matcher matcher = SINGLE_RANGE.matcher(set);
        if (!matcher.matches()) {
            return new Whole();
        }
        String first = matcher.group(1);
        String last = matcher.group(2);
        if (first.isEmpty() && last.isEmpty()) {
            return new Whole();
        }
        if (first.isEmpty()) {
            long suffix = saturatedParse(last);
            if (suffix == 0 || size == 0) {
                return new Unsatisfiable();
            }
            return new Part(Math.max(0, size - suffix), size - 1);
        }
        long from = saturatedParse(first);
        long to = last.isEmpty() ? Long.MAX_VALUE : saturatedParse(last);
        if (to < from) {
            return new Whole();
        }
        if (from >= size) {
            return new Unsatisfiable();
        }
        return new Part(from, Math.min(to, size - 1));
    }

    /** Digits to a long; values beyond a long (a 30-digit position) become Long.MAX_VALUE. */
    private static long saturatedParse(String digits) {
        if (digits.length() > 18) {
            String significant = digits.replaceFirst("^0+", "");
            if (significant.length() > 18) {
                return Long.MAX_VALUE;
            }
            return significant.isEmpty() ? 0 : Long.parseLong(significant);
        }
        return Long.parseLong(digits);
    }
}
