package dev.updater.sidecar.supervise;

import dev.updater.core.UpdaterException;
import dev.updater.core.home.Quarantine;
import dev.updater.core.home.StagedRelease;
import dev.updater.core.home.UpdateHome;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/** Reads {@code staged.json} for the supervision loop, and says once (not every poll) why a release waits, and for what. */
final class StagedReleases {
    private final UpdateHome home;
    private final Consumer<String> log;
    private final Set<String> said = new HashSet<>();
    private Stamp readStamp;
    private Optional<StagedRelease> read = Optional.empty();

    StagedReleases(UpdateHome home, Consumer<String> log) {
        this.home = home;
        this.log = log;
    }

    /**
     * The staged release. The loop asks every 50 ms; the file is parsed again only when its size or
     * modification time changed (it is always replaced by an atomic rename, never edited in place).
     */
    Optional<StagedRelease> current() {
        Stamp stamp = Stamp.of(home.stagedRecord().path());
        if (stamp == null) {
            readStamp = null;
            read = Optional.empty();
            return read;
        }
        if (stamp.equals(readStamp)) {
            return read;
        }
        try {
            read = home.stagedRecord().read();
            readStamp = stamp;
        } catch (UpdaterException e) {
            once(e.getMessage());
            read = Optional.empty();
            readStamp = null;
        }
        return read;
    }

    /** What tells one version of a record file from the next. */
    record Stamp(FileTime modified, long size, Object fileKey) {
        static Stamp of(Path file) {
            try {
                BasicFileAttributes a = Files.readAttributes(file,
                        BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                return new Stamp(a.lastModifiedTime(), a.size(), a.fileKey());
            } catch (IOException e) {
                return null;
            }
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
            return Optional.empty(); // the loop says once that it waits for apply, with the command
        }
        try {
            Optional<Quarantine.Entry> listed = home.quarantineList().read().orElse(Quarantine.NONE)
                    .entry(s.version());
            if (listed.isPresent()) {
                once(s.version() + " is staged but " + listed.get().label() + " (" + listed.get().reason()
                        + "); it is not installed automatically. To allow it again: 'updater-sidecar allow "
                        + s.version() + " --home " + home.dir() + "'");
                return Optional.empty();
            }
        } catch (UpdaterException e) {
            once(e.getMessage());
            return Optional.empty(); // fail closed: an unreadable quarantine list installs nothing
        }
        return staged;
    }

    /**
     * {@code --apply manual}, or a release the agent marked for approval: the release waits for the
     * operator, said once per release with the exact command, and shown by {@code status}.
     */
    void sayWhatWaits(ApplyPolicy policy, SidecarReport report) {
        Optional<StagedRelease> staged = current();
        boolean waits = staged.isPresent() && (policy.kind() == ApplyPolicy.Kind.MANUAL || staged.get().needsApproval());
        String command = "updater-sidecar apply --home " + home.dir();
        if (waits) {
            once(staged.get().version() + " is staged and waits for approval (apply="
                    + (staged.get().needsApproval() && staged.get().approvalReason() != null
                    ? policy + "; " + staged.get().approvalReason() : policy)
                    + "): install it with '" + command + "'");
        }
        report.waitingFor(waits ? "apply: " + command : null);
    }

    /** Logs {@code message} unless it was logged before. */
    void once(String message) {
        if (said.add(message)) {
            log.accept(message);
        }
    }
}
