package dev.updater.core.home;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.updater.core.Sha256;
import dev.updater.core.json.WireNames;
import dev.updater.core.version.ReleaseVersion;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * {@code journal.json}: the one swap transaction of an update home, rewritten atomically (temp file,
 * fsync, rename, fsync directory) at every state change, so a sidecar killed at any instant leaves a
 * journal that says what it was doing; the sidecar's recovery reads it at the next start. Read and
 * written only through {@link UpdateHome#swapJournal()}.
 *
 * <pre>{@code
 * {"id":"20260207T120000.123Z","kind":"install","state":"swapped","target":"/opt/app/app.jar",
 *  "from":{"version":"1.0.0","sha256":"…","size":1234},"to":{"version":"1.1.0","sha256":"…","size":1300},
 *  "source":"releases/1.1.0/app.jar","backup":"backup/1.0.0/app.jar","attempts":1,"resumes":0,…}
 * }</pre>
 *
 * @param id names the transaction and its temp file; unique per home
 * @param kind an install of a staged release, or an operator's rollback to a backup
 * @param state where the transaction stands
 * @param target the absolute path of the file the host runs
 * @param from what the target held before: the version rolled away from
 * @param to what the transaction puts at the target
 * @param source the file installed, relative to the home ({@code releases/1.1.0/app.jar} or a backup); for an
 *     archive release the staged tree, relative to the home, or for an operator's rollback of one the kept
 *     folder {@code releases/<v>} relative to {@code APP}
 * @param backup where the replaced artifact is kept, relative to the home; null for a rollback
 * @param approved true when an operator's {@code apply} asked for it, so policies do not delay it
 * @param attempts how many times the swap steps started (the loop breaker's first counter)
 * @param resumes how many times a restarted sidecar loaded this unfinished journal (its second counter)
 * @param pendingStart true when {@code apply} or {@code rollback} swapped without a sidecar: the next
 *     sidecar starts the host and gates it, and that resume is not counted as a crash
 * @param gateFailure why the new version failed its health gate, once it did; from then on the
 *     transaction can only roll back
 * @param detail one sentence about the end: why it rolled back, or what went wrong afterwards
 * @param startedAt when the transaction began
 * @param updatedAt when this record was written
 * @param releases for an archive release (DESIGN §5 "Archives"), where the {@code current} link pointed
 *     before and points after; null (absent in the JSON, as in every journal written before it) for a
 *     single file, whose swap is decided by the target's hash
 */
public record SwapJournal(
        String id,
        Kind kind,
        SwapState state,
        String target,
        Artifact from,
        Artifact to,
        String source,
        String backup,
        boolean approved,
        int attempts,
        int resumes,
        boolean pendingStart,
        String gateFailure,
        String detail,
        Instant startedAt,
        Instant updatedAt,
        Releases releases) {

    public SwapJournal {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        if (kind == Kind.INSTALL && backup == null && releases == null) {
            throw new IllegalArgumentException("An install keeps a backup of what it replaces; the journal names none");
        }
        if (kind == Kind.ROLLBACK && releases != null) {
            // an operator's rollback of an archive layout installs a kept folder of APP, nothing of the home
            if (!source.equals("releases/" + releases.to())) {
                throw new IllegalArgumentException("The journal's source \"" + source + "\" is not the release folder"
                        + " releases/" + releases.to() + " it rolls back to");
            }
        } else {
            requireInHome("source", source, "releases", "backup");
        }
        if (backup != null) {
            requireInHome("backup", backup, "backup", "backup");
        }
        if (attempts < 0 || resumes < 0) {
            throw new IllegalArgumentException("Counters are never negative: attempts " + attempts + ", resumes " + resumes);
        }
    }

    /** A single-file transaction: no release folders. */
    public SwapJournal(String id, Kind kind, SwapState state, String target, Artifact from, Artifact to, String source,
                       String backup, boolean approved, int attempts, int resumes, boolean pendingStart,
                       String gateFailure, String detail, Instant startedAt, Instant updatedAt) {
        this(id, kind, state, target, from, to, source, backup, approved, attempts, resumes, pendingStart,
                gateFailure, detail, startedAt, updatedAt, null);
    }

    /** True for an archive release's transaction: the {@code current} link is swapped, not a file. */
    public boolean swapsLink() {
        return releases != null;
    }

    /**
     * The release folders of an archive transaction: {@code app/current} pointed at
     * {@code releases/<from>} before it and points at {@code releases/<to>} after it.
     *
     * @param app the absolute path of the folder holding {@code current} and {@code releases/}
     * @param from the release folder's name {@code current} pointed at before (the rollback's destination)
     * @param to the release folder's name the transaction installs
     * @param config the manifest's config paths, carried over when the operator changed them
     * @param treeSha256 the staged tree's hash as the agent unpacked it ({@code StagedRelease.treeSha256}),
     *     which the copy in {@code releases/<to>} must match before the link moves; null for a rollback to a
     *     kept folder, or a release staged before trees were hashed (not checked)
     */
    public record Releases(String app, String from, String to, List<String> config, Sha256 treeSha256) {
        /** Without a tree hash: a rollback to a kept folder. */
        public Releases(String app, String from, String to, List<String> config) {
            this(app, from, to, config, null);
        }

        public Releases {
            config = config == null ? List.of() : List.copyOf(config);
            Objects.requireNonNull(app, "app");
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
            // Threat: a journal naming "../../etc" as a release would make recovery point the link out of APP.
            for (String name : new String[] {from, to}) {
                if (name.isEmpty() || name.startsWith(".") || name.contains("/") || name.contains("\\")) {
                    throw new IllegalArgumentException("The journal's release folder \"" + name + "\" is not a"
                            + " folder name inside releases/");
                }
            }
            if (!Path.of(app).isAbsolute()) {
                throw new IllegalArgumentException("The journal's release folder parent \"" + app + "\" is not absolute");
            }
        }
    }

    /**
     * Threat: journal.json lies in the home; a {@code source} of {@code /etc/shadow} or a {@code backup}
     * of {@code ../../x} would make recovery install, or back up over, a file outside it.
     */
    private static void requireInHome(String field, String path, String folder, String otherFolder) {
        Path p = Path.of(path);
        if (p.isAbsolute() || !p.normalize().equals(p) || p.getNameCount() < 3
                || !(p.startsWith(folder) || p.startsWith(otherFolder))) {
            throw new IllegalArgumentException("The journal's " + field + " \"" + path + "\" is not a file in the"
                    + " home's " + folder + "/" + (folder.equals(otherFolder) ? "" : " or " + otherFolder + "/")
                    + " folder");
        }
    }

    /** What a transaction does. */
    public enum Kind {
        /** Installs the staged release; on a failed gate, restores the backup. */
        INSTALL("install"),
        /** An operator's rollback: reinstalls a backup and quarantines the version rolled away from. */
        ROLLBACK("rollback");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        @JsonValue
        public String label() {
            return label;
        }

        @JsonCreator
        static Kind of(String label) {
            return WireNames.parse(values(), Kind::label, label, "transaction kind");
        }
    }

    /**
     * One side of the swap.
     *
     * @param version the release version, or null when nothing says which version the file is
     * @param sha256 its SHA-256
     * @param size its size in bytes
     */
    public record Artifact(ReleaseVersion version, Sha256 sha256, long size) {
        public Artifact {
            Objects.requireNonNull(sha256, "sha256");
            if (size < 0) {
                throw new IllegalArgumentException("An artifact's size is never negative, got " + size);
            }
        }

        /** {@code 1.1.0}, or {@code an unknown version} when none is recorded. */
        public String label() {
            return version == null ? "an unknown version" : version.toString();
        }
    }

    public SwapJournal withState(SwapState newState, Instant now) {
        return new SwapJournal(id, kind, newState, target, from, to, source, backup, approved, attempts, resumes,
                pendingStart, gateFailure, detail, startedAt, now, releases);
    }

    public SwapJournal withGateFailure(String reason, Instant now) {
        return new SwapJournal(id, kind, state, target, from, to, source, backup, approved, attempts, resumes,
                pendingStart, reason, detail, startedAt, now, releases);
    }

    public SwapJournal withDetail(String sentence, Instant now) {
        return new SwapJournal(id, kind, state, target, from, to, source, backup, approved, attempts, resumes,
                pendingStart, gateFailure, sentence, startedAt, now, releases);
    }

    public SwapJournal withPendingStart(boolean pending, Instant now) {
        return new SwapJournal(id, kind, state, target, from, to, source, backup, approved, attempts, resumes,
                pending, gateFailure, detail, startedAt, now, releases);
    }

    /** One more run of the swap steps. */
    public SwapJournal attempted(Instant now) {
        return new SwapJournal(id, kind, state, target, from, to, source, backup, approved, attempts + 1, resumes,
                pendingStart, gateFailure, detail, startedAt, now, releases);
    }

    /** One more load by a restarted sidecar. */
    public SwapJournal resumed(Instant now) {
        return new SwapJournal(id, kind, state, target, from, to, source, backup, approved, attempts, resumes + 1,
                pendingStart, gateFailure, detail, startedAt, now, releases);
    }

    /** {@code install of 1.1.0 over 1.0.0} or {@code rollback from 1.1.0 to 1.0.0}. */
    public String describe() {
        return kind == Kind.INSTALL
                ? "install of " + to.label() + " over " + from.label()
                : "rollback from " + from.label() + " to " + to.label();
    }
}
