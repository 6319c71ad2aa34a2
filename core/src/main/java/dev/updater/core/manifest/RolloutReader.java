package dev.updater.core.manifest;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

import static dev.updater.core.manifest.ManifestParser.abbreviate;
import static dev.updater.core.manifest.ManifestParser.describe;

/** The {@code rollout} object of a manifest, for {@link ManifestParser}: every problem added to its list, with its JSON path. */
final class RolloutReader {
    private RolloutReader() {
    }

    /**
     * {@code rollout}: {@code percent}, and the later {@code schedule}, {@code halted} and {@code salt}
     * (DESIGN §11). {@code percent} may be left out when a schedule or {@code halted} says who
     * takes the release; it is then the share the schedule offers at once (its 0h wave), or 0 when halted.
     */
    static Rollout read(JsonNode root, Instant releaseDate, List<String> problems) {
        JsonNode node = root.get("rollout");
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            problems.add("$.rollout must be an object such as {\"percent\": 25}, got " + describe(node));
            return null;
        }
        int before = problems.size();
        RolloutSchedule schedule = schedule(node.get("schedule"), problems);
        if (schedule != null && releaseDate == null) {
            problems.add("$.rollout.schedule counts from $.release_date, which is missing");
        }
        boolean halted = false;
        JsonNode haltedNode = node.get("halted");
        if (haltedNode != null && !haltedNode.isNull()) {
            if (haltedNode.isBoolean()) {
                halted = haltedNode.booleanValue();
            } else {
                problems.add("$.rollout.halted must be true or false, got " + describe(haltedNode));
            }
        }
        String salt = string(node, "$.rollout", "salt", problems);
        if (salt != null && !Rollout.isSalt(salt)) {
            problems.add("$.rollout.salt must be 1 to " + Rollout.MAX_SALT_LENGTH + " letters, digits, '.', '_'"
                    + " or '-', got \"" + abbreviate(salt) + "\"");
        }
        JsonNode percent = node.get("percent");
        double share;
        if (percent == null || percent.isNull()) {
            if (!halted && schedule == null && problems.size() == before) {
                problems.add("$.rollout.percent is missing");
            }
            share = halted || schedule == null ? 0 : schedule.percentAt(Duration.ZERO);
        } else if (!percent.isNumber() || !(percent.doubleValue() >= 0 && percent.doubleValue() <= 100)) {
            problems.add("$.rollout.percent must be a number from 0 to 100, got " + describe(percent));
            share = 0;
        } else {
            share = percent.doubleValue();
        }
        if (problems.size() > before) {
            return null;
        }
        return new Rollout(share, schedule, halted, salt);
    }

    /** {@code [{"percent": 1, "at": "PT0S"}, {"percent": 10, "at": "PT6H"}]}, validated as a whole. */
    private static RolloutSchedule schedule(JsonNode node, List<String> problems) {
        if (node == null || node.isNull()) {
            return null;
        }
        String path = "$.rollout.schedule";
        if (!node.isArray()) {
            problems.add(path + " must be an array of {\"percent\", \"at\"} steps, got " + describe(node));
            return null;
        }
        int before = problems.size();
        List<RolloutSchedule.Step> steps = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            String stepPath = path + "[" + i + "]";
            JsonNode step = node.get(i);
            if (!step.isObject()) {
                problems.add(stepPath + " must be an object such as {\"percent\": 10, \"at\": \"PT6H\"}, got "
                        + describe(step));
                continue;
            }
            JsonNode percent = step.get("percent");
            if (percent == null || !percent.isNumber()) {
                problems.add(stepPath + ".percent must be a number from 0 to 100, got " + describe(percent));
                continue;
            }
            JsonNode atNode = step.get("at");
            if (atNode == null || !atNode.isTextual()) {
                problems.add(stepPath + ".at must be an ISO-8601 duration after the release date such as PT6H"
                        + " or P2D, got " + describe(atNode));
                continue;
            }
            String at = atNode.textValue();
            try {
                steps.add(new RolloutSchedule.Step(percent.doubleValue(), Duration.parse(at)));
            } catch (DateTimeParseException e) {
                problems.add(stepPath + ".at must be an ISO-8601 duration after the release date such as PT6H"
                        + " or P2D, got \"" + abbreviate(at) + "\"");
            }
        }
        if (problems.size() > before) {
            return null;
        }
        List<String> wrong = RolloutSchedule.problems(steps);
        if (!wrong.isEmpty()) {
            wrong.forEach(problem -> problems.add(path + ": " + problem));
            return null;
        }
        return new RolloutSchedule(steps);
    }

    /** An optional string field; a value of another type is a problem. */
    private static String string(JsonNode parent, String path, String field, List<String> problems) {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            problems.add(path + "." + field + " must be a string, got " + describe(node));
            return null;
        }
        return node.textValue();
    }
}
