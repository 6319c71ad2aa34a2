package dev.updater.core.policy;

import dev.updater.core.version.ReleaseVersion;

import java.util.Objects;

/** The outcome of {@link UpdatePolicy#decide}: install, already up to date, or refused with a reason. */
public sealed interface Decision {

    /** A human sentence for logs and the CLI. */
    String message();

    /**
     * Take this release. When {@code needsApproval}, stage it but install only after an operator's
     * {@code apply}; {@code message} says why.
     */
    record Install(ReleaseVersion version, boolean needsApproval, String message) implements Decision {
        public Install {
            Objects.requireNonNull(version, "version");
        }
    }

    /** The host already runs the offered version. */
    record UpToDate(ReleaseVersion version, String message) implements Decision {
    }

    /** Do not take this release; {@code reason} is stable for code, {@code message} for people. */
    record Refused(Reason reason, ReleaseVersion offered, String message) implements Decision {
        public Refused {
            Objects.requireNonNull(reason, "reason");
        }
    }

    enum Reason {
        /** The manifest is past its {@code expires}: a freeze attack or a stale mirror. */
        EXPIRED,
        /** Older than the highest manifest version this home ever accepted: a rollback attack. */
        OLDER_THAN_ACCEPTED,
        /** Older than the running version: never downgrade automatically. */
        OLDER_THAN_RUNNING,
        /** Failed its health gate here before. */
        QUARANTINED,
        /** A pre-release offered to a host on a release version. */
        PRE_RELEASE,
        /** The running version is below {@code min_version}: an intermediate release is needed. */
        MIN_VERSION,
        /** This host's rollout bucket is outside the share offered now ({@code rollout.percent} or its wave). */
        NOT_IN_ROLLOUT,
        /** The publisher halted the release ({@code rollout.halted}): not installed, a staged copy dropped. */
        HALTED
    }
}
