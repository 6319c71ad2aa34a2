package dev.updater.sidecar.supervise;

import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When a staged release is installed (DESIGN §6): {@code on-exit} (whenever the host exits),
 * {@code immediate} (stop the host as soon as a release is staged), {@code window=02:00-04:00}
 * (immediate, but only inside the window, host local time; a window may wrap past midnight, as
 * {@code 23:00-01:00}), or {@code manual} (only after {@code updater-sidecar apply}).
 *
 * <pre>{@code
 * ApplyPolicy policy = ApplyPolicy.parse("window=02:00-04:00");
 * policy.installsWhileRunning(LocalTime.of(3, 0)); // true
 * }</pre>
 *
 * @param kind which policy
 * @param from the window's first minute (inclusive), only for {@code window}
 * @param to the window's end (exclusive), only for {@code window}
 */
public record ApplyPolicy(Kind kind, LocalTime from, LocalTime to) {
    private static final Pattern WINDOW = Pattern.compile("window=(\\d{2}:\\d{2})-(\\d{2}:\\d{2})");
    private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm");

    public enum Kind { ON_EXIT, IMMEDIATE, WINDOW, MANUAL }

    public static final ApplyPolicy ON_EXIT = new ApplyPolicy(Kind.ON_EXIT, null, null);
    public static final ApplyPolicy IMMEDIATE = new ApplyPolicy(Kind.IMMEDIATE, null, null);
    public static final ApplyPolicy MANUAL = new ApplyPolicy(Kind.MANUAL, null, null);

    public ApplyPolicy {
        Objects.requireNonNull(kind, "kind");
        if ((kind == Kind.WINDOW) != (from != null && to != null)) {
            throw new IllegalArgumentException("A window policy, and only it, has a start and an end");
        }
        if (kind == Kind.WINDOW && from.equals(to)) {
            throw new IllegalArgumentException("The window " + from + "-" + to + " is empty; write two different"
                    + " times, such as window=02:00-04:00.");
        }
    }

    /** Parses {@code on-exit}, {@code immediate}, {@code manual} or {@code window=HH:MM-HH:MM}. */
    public static ApplyPolicy parse(String text) {
        String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        switch (t) {
            case "on-exit":
                return ON_EXIT;
            case "immediate":
                return IMMEDIATE;
            case "manual":
                return MANUAL;
            default:
                break;
        }
        Matcher m = WINDOW.matcher(t);
        if (m.matches()) {
            try {
                return new ApplyPolicy(Kind.WINDOW, LocalTime.parse(m.group(1), HH_MM), LocalTime.parse(m.group(2), HH_MM));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("'" + text + "' has a time that does not exist; write hours 00-23"
                        + " and minutes 00-59, such as window=02:00-04:00");
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not an apply policy; write on-exit, immediate, manual"
                + " or window=HH:MM-HH:MM (such as window=02:00-04:00)");
    }

    /** {@code text} parsed, or empty when it is no apply policy (a record changed by hand or by another version). */
    public static Optional<ApplyPolicy> tryParse(String text) {
        try {
            return Optional.of(parse(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** True when a staged release may stop the running host now. */
    public boolean installsWhileRunning(LocalTime now) {
        return kind == Kind.IMMEDIATE || (kind == Kind.WINDOW && inWindow(now));
    }

    /** True when a staged release may be installed now that the host is not running (it exited, or at start). */
    public boolean installsWhenStopped(LocalTime now) {
        return kind == Kind.ON_EXIT || kind == Kind.IMMEDIATE || (kind == Kind.WINDOW && inWindow(now));
    }

    /** True when the host's exit code 42 ("restart me now, installing what is staged") may install. */
    public boolean installsOnRestartRequest() {
        return kind != Kind.MANUAL;
    }

    boolean inWindow(LocalTime now) {
        if (from.isBefore(to)) {
            return !now.isBefore(from) && now.isBefore(to);
        }
        return !now.isBefore(from) || now.isBefore(to); // wraps past midnight
    }

    @Override
    public String toString() {
        switch (kind) {
            case ON_EXIT:
                return "on-exit";
            case IMMEDIATE:
                return "immediate";
            case MANUAL:
                return "manual";
            default:
                return "window=" + HH_MM.format(from) + "-" + HH_MM.format(to);
        }
    }
}
