package dev.updater.core.home;

import dev.updater.core.version.ReleaseVersion;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The layout of an update home (DESIGN §4): one directory per installed application, shared by
 * the agent and the sidecar. Each record has its file name here and one typed accessor
 * ({@link HomeRecordFile}: read strictly, read quietly, write atomically), used by every module.
 *
 * <pre>{@code
 * UpdateHome home = new UpdateHome(Path.of("/opt/app/.updater"));
 * Optional<StagedRelease> staged = home.stagedRecord().read();
 * home.history().append(event);
 * }</pre>
 */
public record UpdateHome(Path dir) {
    public UpdateHome {
        Objects.requireNonNull(dir, "dir");
        dir = dir.toAbsolutePath().normalize();
    }

    /** {@code agent.json}: the running host: pid, start time, version, command line, readiness, last check and error. */
    public HomeRecordFile<AgentRecord> agentRecord() {
        return record("agent.json", AgentRecord.class);
    }

    /** {@code staged.json}: the verified release waiting to be installed; written last, so its presence means complete. */
    public HomeRecordFile<StagedRelease> stagedRecord() {
        return record("staged.json", StagedRelease.class);
    }

    /** {@code channel.json}: how the agent checks the channel, for the operator's check and apply. */
    public HomeRecordFile<ChannelSettings> channelRecord() {
        return record("channel.json", ChannelSettings.class);
    }

    /** {@code mirrors.json}: the mirror that last served the manifest and the artifacts, for the order after a restart. */
    public HomeRecordFile<MirrorMemory> mirrorRecord() {
        return record("mirrors.json", MirrorMemory.class);
    }

    /** {@code installed.json}: what the sidecar last installed. */
    public HomeRecordFile<InstalledRelease> installedRecord() {
        return record("installed.json", InstalledRelease.class);
    }

    /**
     * Locked by the agent for the host's whole life: the sidecar learns the instant the host exits
     * by taking it, without polling a pid (which cannot see a zombie, and is slow for a non-child).
     */
    public Path hostLock() {
        return dir.resolve("host.lock");
    }

    /** {@code restart.json}: how {@code run} restarted the host for the last update (overlap, or stop-start and why). */
    public HomeRecordFile<RestartRecord> restartRecord() {
        return record("restart.json", RestartRecord.class);
    }

    /** {@code incoming-host.json}: the new host of an overlap update in progress, for a sidecar that died mid-way. */
    public HomeRecordFile<IncomingHostRecord> incomingHostRecord() {
        return record("incoming-host.json", IncomingHostRecord.class);
    }

    /** {@code host-id}: this host's random id for rollout buckets ({@link HostIdFile}), plain text. */
    public HostIdFile hostIdFile() {
        return new HostIdFile(dir.resolve("host-id"));
    }

    /** {@code accepted.json}: the highest manifest version ever accepted here; lower ones are refused (rollback attack). */
    public HomeRecordFile<AcceptedVersion> acceptedRecord() {
        return record("accepted.json", AcceptedVersion.class);
    }

    public Path downloads() {
        return dir.resolve("downloads");
    }

    /** {@code downloads/index-chunks/}: the chunks of the last entry index a delta used, kept for the next one. */
    public Path indexChunks() {
        return downloads().resolve("index-chunks");
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

    /** {@code history.jsonl}: append-only events ({@link HistoryEvent}). */
    public History history() {
        return new History(dir.resolve("history.jsonl"));
    }

    public Path quarantine() {
        return dir.resolve("quarantine.json");
    }

    /** {@code requests/}: one file per operator request, written atomically; whoever acts on it removes it. */
    public Path requests() {
        return dir.resolve("requests");
    }

    /** {@code requests/apply.json}: install the staged release now ({@code updater-sidecar apply}). */
    public HomeRecordFile<ApplyRequest> applyRequest() {
        return request("apply.json", ApplyRequest.class);
    }

    /** {@code requests/rollback.json}: reinstall a backup ({@code updater-sidecar rollback}). */
    public HomeRecordFile<RollbackRequest> rollbackRequest() {
        return request("rollback.json", RollbackRequest.class);
    }

    /** {@code requests/exit.json}: for the host's agent, exit gracefully ({@code watch}). */
    public HomeRecordFile<ExitRequest> exitRequest() {
        return request("exit.json", ExitRequest.class);
    }

    /** {@code requests/save.json}: for the host's agent, save the host's state for the version about to start. */
    public HomeRecordFile<SaveRequest> saveRequest() {
        return request("save.json", SaveRequest.class);
    }

    /** {@code handoff/}: states saved by an old host for the version after it (DESIGN §7 "State hand-off"). */
    public Path handoff() {
        return dir.resolve("handoff");
    }

    /** {@code handoff/<version>.json}: the state saved for {@code version} ({@link HandedOffState}), 0600 in a 0700 folder. */
    public HomeRecordFile<HandedOffState> handedOffState(ReleaseVersion version) {
        return new HomeRecordFile<>(handoff().resolve(version + ".json"), HandedOffState.class, true,
                HandedOffState.MAX_FILE_BYTES);
    }

    /** {@code handoff/kept/<version>.json}: a saved state that was not restored (stale, tampered, refused), kept for the operator. */
    public Path keptHandoff(ReleaseVersion version) {
        return handoff().resolve("kept").resolve(version + ".json");
    }

    public Path sidecarLock() {
        return dir.resolve("sidecar.lock");
    }

    /** {@code sidecar.json}: what the running sidecar sees and the operator must fix ({@link SidecarRecord}). */
    public HomeRecordFile<SidecarRecord> sidecarRecord() {
        return record("sidecar.json", SidecarRecord.class);
    }

    /** The names an agent or a sidecar creates in a home: a folder holding none of them is no update home. */
    private static final java.util.List<String> HOME_FILE_NAMES = java.util.List.of("agent.json", "staged.json",
            "installed.json", "accepted.json", "channel.json", "journal.json", "history.jsonl", "quarantine.json",
            "sidecar.json", "sidecar.lock", "host.lock", "downloads", "releases", "backup", "requests", "handoff");

    /**
     * True when the folder holds at least one file an agent or a sidecar creates in a home, or when that
     * cannot be told (it cannot be searched). A folder that holds none ({@code /tmp}, a typo'd path) is
     * not a home: it is never given advice meant for one.
     */
    public boolean holdsHomeFiles() {
        for (String name : HOME_FILE_NAMES) {
            // a folder this user cannot look into may well be a home (another user's): only a proven absence counts
            if (!java.nio.file.Files.notExists(dir.resolve(name), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                return true;
            }
        }
        return false;
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

    private <T> HomeRecordFile<T> record(String name, Class<T> type) {
        return new HomeRecordFile<>(dir.resolve(name), type);
    }

    private <T> HomeRecordFile<T> request(String name, Class<T> type) {
        return new HomeRecordFile<>(requests().resolve(name), type, true);
    }

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
