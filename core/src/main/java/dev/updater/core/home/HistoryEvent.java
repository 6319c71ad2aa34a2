package dev.updater.core.home;

import java.time.Instant;

/**
 * One line of {@code history.jsonl}, the append-only record of what happened to this install.
 *
 * @param event one of {@code checked}, {@code staged}, {@code installed}, {@code healthy},
 *     {@code rolled-back}, {@code quarantined}, {@code failed} (more may be added)
 * @param version the release concerned, or null
 * @param from the version before, for installs and rollbacks, or null
 * @param detail one human sentence
 */
public record HistoryEvent(Instant at, String event, String version, String from, String detail) {
}
