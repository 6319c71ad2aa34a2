package dev.updater.core.manifest;

import dev.updater.core.Durations;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Waves of a rollout (DESIGN §11): each step opens the release to {@code percent} of hosts once
 * {@code at} has passed since the signed {@code release_date}, so the publisher signs once and the
 * fleet widens on its own. Operators write it {@code 1%@0h,10%@6h,50%@24h,100%@48h}; the manifest
 * holds {@code [{"percent": 1, "at": "PT0S"}, …]}. Validated on construction: never empty, times
 * strictly rising, shares strictly rising and within 0 to 100, so an instance always means one
 * thing.
 *
 * <pre>{@code
 * RolloutSchedule waves = RolloutSchedule.parse("1%@0h,10%@6h,100%@48h");
 * waves.percentAt(Duration.ofHours(7)); // 10.0
 * }</pre>
 */
public record RolloutSchedule(List<Step> steps) {
    /** No wave waits longer than this: a schedule in years is a typo (48d for 48h). */
    public static final Duration MAX_AT = Duration.ofDays(366);
    /** A schedule is a handful of waves; thousands would only slow every host's check. */
    public static final int MAX_STEPS = 100;

    /** One wave: {@code percent} of hosts from {@code at} after the release date. */
    public record Step(double percent, Duration at) {
        public Step {
            Objects.requireNonNull(at, "at");
        }

        /** {@code 10%@6h}, as operators write it. */
        @Override
        public String toString() {
            return Rollout.formatPercent(percent) + "@" + offset(at);
        }

        /** {@code 0h}, {@code 48h}, {@code 90m}, {@code 45s}: whole hours where they fit, as schedules are written. */
        public static String offset(Duration at) {
            long seconds = at.toSeconds();
            if (seconds % 3600 == 0) {
                return seconds / 3600 + "h";
            }
            return seconds % 60 == 0 ? seconds / 60 + "m" : seconds + "s";
        }
    }

    public RolloutSchedule {
        steps = List.copyOf(steps);
        List<String> problems = problems(steps);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }

    /**
     * Reads {@code 1%@0h,10%@6h,50%@24h,100%@48h}: comma-separated {@code PERCENT%@TIME} steps, the time
     * a duration such as {@code 0h}, {@code 90m}, {@code 2d} or {@code PT6H} after the release date.
     *
     * @throws IllegalArgumentException naming every step that is wrong and why
     */
    public static RolloutSchedule parse(String text) {
        List<Step> steps = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        String[] parts = text == null ? new String[0] : text.strip().split("\\s*,\\s*", -1);
        for (String part : parts) {
            int at = part.indexOf('@');
            if (at < 0 || !part.substring(0, at).strip().endsWith("%")) {
                problems.add("step \"" + part + "\" is not PERCENT%@TIME such as 10%@6h");
                continue;
            }
            String percentText = part.substring(0, at).strip();
            percentText = percentText.substring(0, percentText.length() - 1).strip();
            double percent;
            try {
                percent = Double.parseDouble(percentText);
                if (!percentText.matches("\\d{1,3}(\\.\\d{1,4})?")) {
                    throw new NumberFormatException(percentText);
                }
            } catch (NumberFormatException e) {
                problems.add("step \"" + part + "\" has no percent from 0 to 100 before '%' (up to 4 decimals)");
                continue;
            }
            Duration time;
            try {
                time = Durations.parse(part.substring(at + 1).toLowerCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                problems.add("step \"" + part + "\": the time " + e.getMessage());
                continue;
            }
            steps.add(new Step(percent, time));
        }
        if (problems.isEmpty()) {
            problems.addAll(problems(steps));
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("rollout schedule \"" + text + "\": " + String.join("; ", problems));
        }
        return new RolloutSchedule(steps);
    }

    /** Every problem with {@code steps}, each a phrase naming the step; empty when they make a schedule. */
    public static List<String> problems(List<Step> steps) {
        List<String> problems = new ArrayList<>();
        if (steps.isEmpty()) {
            problems.add("a schedule needs at least one step");
        }
        if (steps.size() > MAX_STEPS) {
            problems.add("a schedule has at most " + MAX_STEPS + " steps, got " + steps.size());
        }
        Step previous = null;
        for (Step step : steps) {
            if (!(step.percent() >= 0 && step.percent() <= 100)) {
                problems.add("step " + step + ": the percent must be from 0 to 100");
            }
            if (step.at().isNegative() || step.at().compareTo(MAX_AT) > 0) {
                problems.add("step " + step + ": the time must be from 0h to " + Step.offset(MAX_AT)
                        + " after the release date");
            }
            if (previous != null && step.at().compareTo(previous.at()) <= 0) {
                problems.add("step " + step + " must come later than the step before it, " + previous
                        + " (steps are in time order)");
            }
            if (previous != null && !(step.percent() > previous.percent())) {
                problems.add("step " + step + " must reach more hosts than the step before it, " + previous
                        + " (a rollout only widens; halt a release with 'publish --halt')");
            }
            previous = step;
        }
        return problems;
    }

    /** The share of hosts offered the release {@code elapsed} after its release date: 0 before the first step. */
    public double percentAt(Duration elapsed) {
        double percent = 0;
        for (Step step : steps) {
            if (elapsed.compareTo(step.at()) >= 0) {
                percent = step.percent();
            }
        }
        return percent;
    }

    /** The share the last step reaches. */
    public double finalPercent() {
        return steps.get(steps.size() - 1).percent();
    }

    /** {@code 1%@0h,10%@6h}: the form {@link #parse} reads. */
    @Override
    public String toString() {
        return String.join(",", steps.stream().map(Step::toString).toList());
    }
}
