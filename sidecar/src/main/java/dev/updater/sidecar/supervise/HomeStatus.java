package dev.updater.sidecar.supervise;

import dev.updater.core.version.ReleaseVersion;
import dev.updater.core.Sha256;
import dev.updater.core.UpdaterException;
import dev.updater.core.home.AgentRecord;
import dev.updater.core.home.Backup;
import dev.updater.core.home.InstalledRelease;
import dev.updater.core.home.Quarantine;
import dev.updater.core.home.SidecarRecord;
import dev.updater.core.home.RestartRecord;
import dev.updater.core.home.StagedRelease;
import dev.updater.core.home.SwapJournal;
import dev.updater.core.home.UpdateHome;
import dev.updater.sidecar.swap.Backups;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/**
 * Everything {@code status} shows, read from the home's records in one go. Reading never changes
 * the home.
 *
 * @param home the update home
 * @param sidecarPid the running sidecar's pid, empty when none runs (-1 when it runs but its pid is unreadable)
 * @param agent the agent's record, or null when no host has written one
 * @param hostAlive true while some host holds {@code host.lock}
 * @param hostLockProblem why {@code host.lock} could not be probed (then whether a host runs is
 *     unknown, and {@code hostAlive} false), else null
 * @param installed what the sidecar last installed, or, before any install, what the target holds
 * @param staged the staged release, or null
 * @param quarantine versions never installed again automatically
 * @param journal the last swap transaction, or null
 * @param backups the backups, newest first
 * @param sidecar what the running sidecar reports (its apply policy, what waits, what the operator must
 *     fix), or null when no sidecar runs or it wrote nothing readable
 * @param restart how {@code run} restarted the host for the last update, or null
 */
public record HomeStatus(UpdateHome home, OptionalLong sidecarPid, AgentRecord agent, boolean hostAlive,
                         String hostLockProblem, InstalledRelease installed, StagedRelease staged, Quarantine quarantine, SwapJournal journal,
                         List<Backup> backups, SidecarRecord sidecar, RestartRecord restart) {

    public static HomeStatus read(UpdateHome home) throws UpdaterException {
        AgentRecord agent = home.agentRecord().read().orElse(null);
        InstalledRelease installed = home.installedRecord().read()
                .orElseGet(() -> fromTarget(agent));
        LockProbe.Probe hostLock = LockProbe.probe(home.hostLock());
        OptionalLong sidecarPid = SidecarLock.holder(home);
        // a record left by a sidecar that stopped says nothing about now
        SidecarRecord sidecar = sidecarPid.isPresent() ? home.sidecarRecord().readQuietly().orElse(null) : null;
        return new HomeStatus(home, sidecarPid, agent, hostLock.held(),
                hostLock.unknown() ? hostLock.sentence("the host") : null, installed,
                home.stagedRecord().read().orElse(null), home.quarantineList().read().orElse(Quarantine.NONE),
                home.swapJournal().read().orElse(null), new Backups(home).list(), sidecar,
                home.restartRecord().readQuietly().orElse(null));
    }

    /** Before the first install: the target the agent reported, hashed now. */
    private static InstalledRelease fromTarget(AgentRecord agent) {
        if (agent == null || agent.target() == null) {
            return null;
        }
        try {
            Path target = Path.of(agent.target());
            if (!Files.isRegularFile(target)) {
                return null; // agent.json is the host's word: never open a FIFO or a device it names
            }
            Sha256 sha = Sha256.ofFile(target);
            ReleaseVersion version = sha.equals(agent.targetSha256()) ? agent.runningVersion() : null;
            return new InstalledRelease(version, sha, agent.target(), null, null);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
