package dev.updater.sidecar.supervise;

import dev.updater.core.UpdaterException;
import dev.updater.core.home.JsonRecords;
import dev.updater.core.home.StagedRelease;
import dev.updater.core.home.UpdateHome;
import dev.updater.sidecar.swap.QuarantineFile;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/** Reads {@code staged.json} for the supervision loops, and says once (not every poll) why a release waits. */
final class StagedReleases {
    private final UpdateHome home;
    private final Consumer<String> log;
    private final Set<String> said = new HashSet<>();

    StagedReleases(UpdateHome home, Consumer<String> log) {
        this.home = home;
        this.log = log;
    }

    Optional<StagedRelease> current() {
        try {
            return JsonRecords.read(home.stagedRecord(), StagedRelease.class);
        } catch (UpdaterException e) {
            once(e.getMessage());
            return Optional.empty();
        }
    }

    /** The staged release, when one is there that may be installed without an operator's {@code apply}. */
    Optional<StagedRelease> installable() {
        Optional<StagedRelease> staged = current();
        if (staged.isEmpty()) {
            return staged;
        }
        StagedRelease s = staged.get();
        if (s.needsApproval()) {
            once(s.version() + " is staged and waits for 'updater-sidecar apply'"
                    + (s.approvalReason() == null ? "" : ": " + s.approvalReason()));
            return Optional.empty();
        }
        try {
            if (QuarantineFile.read(home).contains(s.version())) {
                once(s.version() + " is staged but quarantined (it failed its health gate here); it is not"
                        + " installed automatically");
                return Optional.empty();
            }
        } catch (UpdaterException e) {
            once(e.getMessage());
            return Optional.empty(); // fail closed: an unreadable quarantine list installs nothing
        }
        return staged;
    }

    /** Logs {@code message} unless it was logged before. */
    void once(String message) {
        if (said.add(message)) {
            log.accept(message);
        }
    }
}
