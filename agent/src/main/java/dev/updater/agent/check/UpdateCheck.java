package dev.updater.agent.check;

import dev.updater.core.text.HumanUnits;
import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.check.HomeMirrorMemory;
import dev.updater.core.check.ReleaseCheck;
import dev.updater.core.check.ReleaseStager;
import dev.updater.core.download.Cancellation;
import dev.updater.core.download.DownloadListener;
import dev.updater.core.download.Downloader;
import dev.updater.core.download.ManifestFetcher;
import dev.updater.core.download.MirrorFailover;
import dev.updater.core.home.HistoryEvent;
import dev.updater.core.home.HomeCleanup;
import dev.updater.core.home.StagedRelease;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.manifest.Artifact;
import dev.updater.core.manifest.Manifest;
import dev.updater.core.policy.Decision;
import dev.updater.core.version.ReleaseVersion;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The agent's periodic check: {@link ReleaseCheck} decides, {@link ReleaseStager} stages, and this
 * class turns the outcome into log lines — notable refusals and "waits for apply" once per version.
 */
public final class UpdateCheck {
    private static final Logger LOG = System.getLogger("updater");
    /** One line for how a delta went (DESIGN §12): bytes fetched against the full size, or why the full download. */
    private static final DownloadListener DELTA_LOG = new DownloadListener() {
        @Override
        public void deltaUsed(long bytesFetched, long fullSize, int objects, DeltaPieces pieces) {
            LOG.log(Level.INFO, "Rebuilt the release from a delta: fetched " + HumanUnits.bytes(bytesFetched) + " of "
                    + HumanUnits.bytes(fullSize) + " (the index and " + pieces.count(objects) + "), SHA-256 verified.");
        }

        @Override
        public void deltaRefused(UpdaterException reason) {
            LOG.log(Level.INFO, "Downloading the full release: the delta was not used (" + reason.getMessage() + ")");
        }
    };

    private final ReleaseCheck check;
    private final UpdateHome home;
    private final ReleaseStager stager;
    private final Clock clock;
    private final Set<String> announced = new HashSet<>();
    private final AtomicLong downloadedBytes = new AtomicLong();

    public UpdateCheck(ReleaseCheck.Settings settings, UpdateHome home, ManifestFetcher fetcher, Downloader downloader,
                       Clock clock) {
        this(settings, List.of(), home, fetcher, downloader, clock);
    }

    /**
     * @param moreManifestUris mirrors of the manifest URL ({@code manifest=URL1|URL2}); they and the artifacts'
     *                         mirror urls are tried in this host's order, the last one that worked first
     */
    public UpdateCheck(ReleaseCheck.Settings settings, List<URI> moreManifestUris, UpdateHome home, ManifestFetcher fetcher,
                       Downloader downloader, Clock clock) {
        // One mirrors.json for both: a host restarting while its first mirror is down asks the last good one first.
        MirrorFailover.Memory lastGood = new HomeMirrorMemory(home, clock, warning -> LOG.log(Level.WARNING, warning));
        MirrorFailover manifestMirrors = new MirrorFailover(settings.hostId(), lastGood);
        this.check = new ReleaseCheck(settings, moreManifestUris, manifestMirrors, home, fetcher, clock,
                warning -> LOG.log(Level.WARNING, warning));
        this.home = home;
        this.stager = new ReleaseStager(home, downloader, clock, new MirrorFailover(settings.hostId(), lastGood));
        this.clock = clock;
    }

    public CheckResult run() {
        try {
            ReleaseCheck.Found found = check.check();
            return act(found.manifest(), found.decision(), found.source());
        } catch (UpdaterException e) {
            return CheckResult.failed(e, check.lastSeen(), stagedVersion());
        } catch (RuntimeException e) {
            // Fail closed on a bug: nothing is staged by this check, and the next check runs as usual.
            UpdaterException internal = new UpdaterException(ErrorCode.INTERNAL_ERROR, "The update check failed"
                    + " unexpectedly (" + e + "); nothing was staged. Please report it with this line.", e);
            return CheckResult.failed(internal, check.lastSeen(), stagedVersion());
        }
    }

    private CheckResult act(Manifest manifest, Decision decision, URI manifestUri) throws UpdaterException {
        ReleaseVersion latest = manifest.version();
        if (decision instanceof Decision.Refused refused && refused.reason() == Decision.Reason.HALTED) {
            announceOnce("refused " + latest + " " + refused.reason(), Level.WARNING, latest, refused.message());
            String dropped = dropHalted(latest);
            return new CheckResult(refused.message() + dropped, latest, stagedVersion(), null);
        }
        if (decision instanceof Decision.Refused refused) {
            announceOnce("refused " + latest + " " + refused.reason(), Level.INFO, latest, refused.message());
            return new CheckResult(refused.message(), latest, stagedVersion(), null);
        }
        if (decision instanceof Decision.UpToDate upToDate) {
            return new CheckResult(upToDate.message(), latest, stagedVersion(), null);
        }
        Decision.Install install = (Decision.Install) decision;
        Artifact artifact = manifest.artifactFor(check.settings().platform());
        if (!stager.isStaged(latest, artifact)) {
            LOG.log(Level.INFO, install.message() + " Downloading " + HumanUnits.bytes(artifact.size()) + ".");
            ByteCount count = new ByteCount();
            try {
                stager.stage(manifest, manifest.keyFor(check.settings().platform()), artifact,
                        manifestUri, install, count, Cancellation.none());
            } finally {
                downloadedBytes.addAndGet(count.transferred()); // a failed download cost its bytes too
            }
            LOG.log(Level.INFO, "Staged " + latest + " in " + home.release(latest.toString())
                    + (install.needsApproval() ? "" : "; the sidecar installs it per its apply policy."));
        }
        if (install.needsApproval()) {
            announceOnce("approval " + latest, Level.WARNING, latest, install.message());
            return new CheckResult("staged " + latest + ", waiting for apply", latest, latest, null);
        }
        return new CheckResult("staged " + latest, latest, latest, null);
    }

    /**
     * The kill switch on this host: a staged copy of the halted release is dropped (staged.json, then its
     * folder), so no apply policy installs it later. Not while a swap the sidecar journaled is in
     * flight: that swap reads the staged files, and tearing them away would only fail it half-way.
     *
     * @return what was done, to append to the check's summary: empty when nothing was staged
     */
    private String dropHalted(ReleaseVersion halted) throws UpdaterException {
        Optional<StagedRelease> staged = home.stagedRecord().readQuietly();
        if (staged.isEmpty() || !staged.get().version().equals(halted)) {
            return "";
        }
        HomeCleanup cleanup = new HomeCleanup(home);
        if (cleanup.swapInFlight()) {
            String message = " The sidecar is installing it right now (journal.json), so the staged copy is left to"
                    + " that swap; roll back with 'updater-sidecar rollback' if it must not stay.";
            announceOnce("halted in flight " + halted, Level.WARNING, halted, "Release " + halted + " is halted." + message);
            return message;
        }
        home.stagedRecord().delete();
        cleanup.deleteRelease(halted);
        String message = " Dropped the staged copy (" + home.release(halted.toString()) + "); it will not be installed.";
        LOG.log(Level.WARNING, "Release " + halted + " is halted by its publisher." + message);
        try {
            home.history().append(new HistoryEvent(clock.instant(), HistoryEvent.Kind.CHECKED, halted, null,
                    "halted by its publisher; dropped the staged copy"));
        } catch (UpdaterException e) {
            LOG.log(Level.DEBUG, "could not append to the history: " + e.getMessage());
        }
        return message;
    }

    private ReleaseVersion stagedVersion() {
        return home.stagedRecord().readQuietly().map(StagedRelease::version).orElse(null);
    }

    /** Logs and records a notable outcome once per version, not at every poll. */
    private void announceOnce(String key, Level level, ReleaseVersion version, String message) {
        if (announced.add(key)) {
            LOG.log(level, message);
            try {
                home.history().append(new HistoryEvent(clock.instant(), HistoryEvent.Kind.CHECKED, version, null,
                        message));
            } catch (UpdaterException e) {
                LOG.log(Level.DEBUG, "could not append to the history: " + e.getMessage());
            }
        }
    }

    /** Bytes downloaded by this agent since the host started, for agent.json and the sidecar's metrics. */
    public long downloadedBytes() {
        return downloadedBytes.get();
    }

    /**
     * Counts what one staging transferred: a delta's index and objects, or the bytes of a full download
     * past where a resumed one began (its progress reports the file's size so far). Logs a delta's outcome.
     */
    private static final class ByteCount implements DownloadListener {
        private long resumedFrom;
        private long done;
        private long delta;

        @Override
        public void progress(long bytesDone, long totalBytes, long bytesPerSecond) {
            done = Math.max(done, bytesDone);
        }

        @Override
        public void resumed(long fromByte) {
            resumedFrom = fromByte;
            done = fromByte;
        }

        @Override
        public void restarted() {
            delta += done - resumedFrom; // what came before the restart was transferred all the same
            resumedFrom = 0;
            done = 0;
        }

        @Override
        public void deltaUsed(long bytesFetched, long fullSize, int objects, DeltaPieces pieces) {
            delta += bytesFetched;
            DELTA_LOG.deltaUsed(bytesFetched, fullSize, objects, pieces);
        }

        @Override
        public void deltaRefused(UpdaterException reason) {
            DELTA_LOG.deltaRefused(reason);
        }

        long transferred() {
            return delta + Math.max(0, done - resumedFrom);
        }
    }
}
