package dev.updater.core.check;

import dev.updater.core.ErrorCode;
import dev.updater.core.Sha256;
import dev.updater.core.UpdaterException;
import dev.updater.core.home.AcceptedVersion;
import dev.updater.core.home.HistoryEvent;
import dev.updater.core.home.InstalledRelease;
import dev.updater.core.home.JsonRecords;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.manifest.Artifact;
import dev.updater.core.manifest.Manifest;
import dev.updater.core.version.ReleaseVersion;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What this home remembers against rollback and replay (DESIGN §9, the TUF rollback rule): the
 * record in {@code accepted.json} (the highest accepted version and its artifacts' hashes), and a
 * floor that a lost or deleted {@code accepted.json} cannot lower: the highest version this home
 * installed ({@code installed.json}) or staged, installed or committed ({@code history.jsonl}).
 *
 * <p>Fails closed: an {@code accepted.json} that exists but cannot be read or is not a valid record
 * stops the check and is left as it is. Treating it as absent would switch the protection off and
 * then overwrite the evidence.
 *
 * @param record the {@code accepted.json} record, or null when there is none
 * @param floor the highest version installed or staged here, or null when nothing was
 */
record AcceptedReleases(AcceptedVersion record, ReleaseVersion floor) {
    /** History events whose version this home certainly accepted once. */
    private static final Set<HistoryEvent.Kind> ACCEPTED_EVENTS = EnumSet.of(HistoryEvent.Kind.STAGED,
            HistoryEvent.Kind.INSTALLED, HistoryEvent.Kind.HEALTHY);

    static AcceptedReleases read(UpdateHome home) throws UpdaterException {
        ReleaseVersion floor = floor(home);
        try {
            return new AcceptedReleases(home.acceptedRecord().read().orElse(null), floor);
        } catch (UpdaterException e) {
            throw new UpdaterException(e.code(), "Cannot use " + home.acceptedRecord() + ", this home's record of"
                    + " the highest release it accepted (" + JsonRecords.reason(e) + "). No update is checked until it"
                    + " is fixed,"
                    + " so that no older release can slip in: restore the file from a backup, or delete it to fall"
                    + " back to "
                    + (floor == null ? "the running version" : "the highest version this home installed or staged, "
                    + floor) + ".", e);
        }
    }

    /**
     * The version below which every offer is a rollback attack, or null when there is none. The floor
     * counts only above the running version: at or below it, the never-downgrade rule refuses older
     * offers already, and counting it would report "the channel is behind this host" as an attack.
     */
    ReleaseVersion highest(ReleaseVersion running) {
        ReleaseVersion accepted = record == null ? null : record.version();
        return max(accepted, floor != null && floor.isNewerThan(running) ? floor : null);
    }

    /**
     * Refuses the version this home accepted offered again with other bytes for a platform key both
     * list: a re-published ({@code publish --force}) or tampered release. The same bytes under a
     * re-signed manifest (a fresh expiry) pass.
     */
    void refuseOtherBytes(Manifest manifest) throws UpdaterException {
        if (record == null || !manifest.version().equals(record.version())) {
            return;
        }
        List<String> changed = new ArrayList<>();
        for (Map.Entry<String, Artifact> offered : manifest.binaries().entrySet()) {
            Sha256 accepted = record.artifacts().get(offered.getKey());
            if (accepted != null && !accepted.equals(offered.getValue().sha256())) {
                changed.add("artifact " + offered.getKey() + " has SHA-256 " + offered.getValue().sha256()
                        + ", accepted " + accepted);
            }
        }
        if (!changed.isEmpty()) {
            throw new UpdaterException(ErrorCode.RELEASE_CHANGED, "The manifest offers " + manifest.version()
                    + " with other bytes than the " + record.version() + " this host accepted before: "
                    + String.join("; ", changed) + ". A published version must never change (re-published with"
                    + " --force, or a tampered channel); publish the change as a new version. Nothing was installed.");
        }
    }

    /**
     * Moves the record to a newer accepted manifest; for the same version, adds the hashes an old
     * record lacks (the old format, or a platform published later). Call only after
     * {@link #refuseOtherBytes} and the policy's rollback check passed.
     */
    void remember(UpdateHome home, Manifest manifest, Instant now, String signedBy) throws UpdaterException {
        Map<String, Sha256> offered = new TreeMap<>();
        manifest.binaries().forEach((key, artifact) -> offered.put(key, artifact.sha256()));
        ReleaseVersion accepted = record == null ? null : record.version();
        if (accepted == null || manifest.version().isNewerThan(accepted)) {
            home.acceptedRecord().write(new AcceptedVersion(manifest.version(), offered, now, signedBy));
        } else if (manifest.version().equals(accepted) && !record.artifacts().keySet().containsAll(offered.keySet())) {
            Map<String, Sha256> merged = new TreeMap<>(offered);
            merged.putAll(record.artifacts());
            home.acceptedRecord().write(new AcceptedVersion(record.version(), merged,
                    record.acceptedAt() == null ? now : record.acceptedAt(),
                    record.signedBy() == null ? signedBy : record.signedBy()));
        }
    }

    /** The highest version {@code installed.json} and the history say this home installed or staged. */
    private static ReleaseVersion floor(UpdateHome home) throws UpdaterException {
        ReleaseVersion highest = null;
        Optional<InstalledRelease> installed = home.installedRecord().read();
        if (installed.isPresent()) {
            highest = max(highest, installed.get().version());
        }
        for (HistoryEvent event : home.history().read()) {
            if (ACCEPTED_EVENTS.contains(event.event())) {
                highest = max(highest, event.version());
            }
        }
        return highest;
    }

    private static ReleaseVersion max(ReleaseVersion a, ReleaseVersion b) {
        if (a == null) {
            return b;
        }
        return b == null || !b.isNewerThan(a) ? a : b;
    }
}
