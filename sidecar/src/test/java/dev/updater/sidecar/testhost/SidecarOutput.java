package dev.updater.sidecar.testhost;

import dev.updater.core.testing.ChildProcess;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The sidecar's own lines in the output of {@code run} or {@code watch} ({@code 2026-11-30 06:12:03
 * updater-sidecar: started the host (pid 22725)}), by their sentence: the time differs every run,
 * the host's own lines are interleaved.
 *
 * <pre>{@code
 * SidecarOutput.await(sidecar, "installing 1.1.0 over 1.0.0 at " + target, EXIT);
 * }</pre>
 */
public final class SidecarOutput {
    /** A text line of the sidecar's log: local time to the second, the prefix, the sentence. */
    public static final Pattern LINE = Pattern.compile("(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d) updater-sidecar: (.*)");

    private SidecarOutput() {
    }

    /** The sentence of a sidecar line; empty for any other line (the host's, a stack trace). */
    public static Optional<String> message(String line) {
        Matcher m = LINE.matcher(line);
        return m.matches() ? Optional.of(m.group(2)) : Optional.empty();
    }

    /** The sentences of the sidecar's lines so far, in order. */
    public static List<String> messages(ChildProcess jvm) {
        return jvm.output().stream().map(SidecarOutput::message).flatMap(Optional::stream).toList();
    }

    public static boolean has(ChildProcess jvm, String sentence) {
        return messages(jvm).contains(sentence);
    }

    public static void await(ChildProcess jvm, String sentence, Duration atMost) {
        jvm.awaitLine(line -> message(line).map(sentence::equals).orElse(false), atMost);
    }

    public static void await(ChildProcess jvm, Predicate<String> sentence, Duration atMost) {
        jvm.awaitLine(line -> message(line).map(sentence::test).orElse(false), atMost);
    }
}
