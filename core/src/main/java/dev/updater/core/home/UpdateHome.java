package dev.updater.core.home;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The layout of an update home (DESIGN §4): one directory per installed application, shared by
 * the agent and the sidecar. Only paths live here; each part reads and writes its own records
 * through {@link JsonRecords}.
 */
public record UpdateHome(Path dir) {
    public UpdateHome {
        Objects.requireNonNull(dir, "dir");
        dir = dir.toAbsolutePath().normalize();
    }

    /** The running host: pid, start time, version, command line, readiness, last check and error. */
    public Path agentRecord() {
        return dir.resolve("agent.json");
    }

    /** The verified release waiting to be installed; written last, so its presence means complete. */
    public Path stagedRecord() {
        return dir.resolve("staged.json");
    }

    /** How the agent checks the channel ({@link ChannelSettings}), for the operator's check and apply. */
    public Path channelRecord() {
        return dir.resolve("channel.json");
    }

    /** What the sidecar last installed ({@link InstalledRelease}). */
    public Path installedRecord() {
        return dir.resolve("installed.json");
    }

    /**
     * Locked by the agent for the host's whole life: the sidecar learns the instant the host exits
     * by taking it, without polling a pid (which cannot see a zombie, and is slow for a non-child).
     */
    public Path hostLock() {
        return dir.resolve("host.lock");
    }

    /** The highest manifest version ever accepted here; lower ones are refused (rollback attack). */
    public Path acceptedRecord() {
        return dir.resolve("accepted.json");
    }

    public Path downloads() {
        return dir.resolve("downloads");
    }

    public Path releases() {
        return dir.resolve("releases");
    }

    public Path release(String version) {
        return releases().resolve(version);
    }

    public Path backups() {
        return dir.resolve("backup");
    }

    public Path journal() {
        return dir.resolve("journal.json");
    }

    public Path history() {
        return dir.resolve("history.jsonl");
    }

    public Path quarantine() {
        return dir.resolve("quarantine.json");
    }

    public Path requests() {
        return dir.resolve("requests");
    }

    public Path sidecarLock() {
        return dir.resolve("sidecar.lock");
    }

    // ---- the swap's records (journal.json, quarantine.json, backup/<folder>/backup.json), typed

    /** {@code journal.json}: the swap transaction ({@link SwapJournal}, its states {@link SwapState}). */
    public HomeRecordFile<SwapJournal> swapJournal() {
        return new HomeRecordFile<>(journal(), SwapJournal.class);
    }

    /** {@code quarantine.json}: versions never installed again automatically ({@link Quarantine}). */
    public HomeRecordFile<Quarantine> quarantineList() {
        return new HomeRecordFile<>(quarantine(), Quarantine.class);
    }

    /** {@code backup.json} in {@code folder} (a folder of {@link #backups()}): what that backup holds ({@link Backup}). */
    public HomeRecordFile<Backup> backup(Path folder) {
        return new HomeRecordFile<>(folder.resolve(Backup.FILE_NAME), Backup.class);
    }

    // ---- end of the swap's records

    /**
     * Resolves a path read from a record of this home ({@code releases/1.3.0/app.jar}) and checks that it
     * stays strictly inside {@code folder}. Threat: a record that says {@code ../../etc/shadow} or
     * {@code /etc/shadow} would make updater read, install or delete another file. Symbolic links on
     * the way are checked where the file is opened ({@link HomeFiles#refuseLinksOnTheWay}).
     *
     * @throws IllegalArgumentException whose message completes "the record's file …": {@code is missing},
     *     {@code "/etc/shadow" is an absolute path, …}, {@code "../x" is not inside …}
     */
    public Path resolveInside(String relative, Path folder) {
        if (relative == null || relative.isBlank()) {
            throw new IllegalArgumentException("is missing");
        }
        Path path = Path.of(relative);
        if (path.isAbsolute()) {
            throw new IllegalArgumentException("\"" + relative + "\" is an absolute path, not one inside " + folder);
        }
        Path resolved = dir.resolve(path).normalize();
        if (!resolved.startsWith(folder) || resolved.equals(folder)) {
            throw new IllegalArgumentException("\"" + relative + "\" is not inside " + folder);
        }
        return resolved;
    }
}
