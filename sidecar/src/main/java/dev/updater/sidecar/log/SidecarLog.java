package dev.updater.sidecar.log;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.updater.core.json.Json;
import dev.updater.core.text.Printable;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The sidecar's own log ({@code run}, {@code watch}): each line stamped with the local time to the
 * second, as text or, with {@code --log-format json}, as one JSON object per line. The supervision
 * code reports through a plain {@code Consumer<String>}; where it knows the event, it passes a
 * {@link LogEvent} with {@link #emit}, which keeps the event and its fields when the consumer is a
 * {@code SidecarLog}.
 *
 * <p>Messages quote {@code agent.json}, requests and journals, written by other processes, so the
 * message is made {@link Printable} in both formats: a terminal reading the log, or {@code jq -r},
 * never executes an escape sequence from a record.
 */
public final class SidecarLog implements Consumer<String> {
    /** What starts every text line after the time; operators grep for it. */
    public static final String PREFIX = "updater-sidecar: ";
    static final DateTimeFormatter TEXT_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final PrintWriter out;
    private final LogFormat format;
    private final Clock clock;

    public SidecarLog(PrintWriter out, LogFormat format, Clock clock) {
        this.out = out;
        this.format = format;
        this.clock = clock;
    }

    /** Sends {@code event} to {@code log}: whole to a {@code SidecarLog}, as its sentence to any other consumer. */
    public static void emit(Consumer<String> log, LogEvent event) {
        if (log instanceof SidecarLog sidecarLog) {
            sidecarLog.event(event);
        } else {
            log.accept(event.message());
        }
    }

    /** A line with no event of its own: {@link LogEvent#NOTE} at INFO. */
    @Override
    public void accept(String message) {
        event(LogEvent.info(LogEvent.NOTE, message));
    }

    public void event(LogEvent event) {
        OffsetDateTime now = OffsetDateTime.now(clock).truncatedTo(ChronoUnit.SECONDS);
        String message = Printable.of(event.message(), Printable.MAX_LINE_LENGTH);
        String line = format == LogFormat.JSON ? json(now, event, message)
                : TEXT_TIME.format(now) + " " + PREFIX + message;
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }

    private static String json(OffsetDateTime now, LogEvent event, String message) {
        ObjectNode node = Json.mapper().createObjectNode();
        node.put("time", DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(now));
        node.put("level", event.level().name());
        node.put("event", event.event());
        node.put("message", message);
        ObjectNode fields = node.putObject("fields");
        for (Map.Entry<String, Object> field : event.fields().entrySet()) {
            Object value = field.getValue();
            if (value instanceof Number number) {
                fields.put(field.getKey(), number.longValue());
            } else {
                fields.put(field.getKey(), Printable.of(value, Printable.MAX_LINE_LENGTH));
            }
        }
        try {
            return Json.mapper().writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings and numbers always serializes", e);
        }
    }
}
