package dev.updater.core;

/**
 * Stable codes for everything that can go wrong. Code decides by these, never by message text;
 * operators see them in logs and in {@code status --json}, so they never change once released.
 */
public enum ErrorCode {
    // manifest
    MANIFEST_TOO_LARGE,
    MANIFEST_MALFORMED,
    MANIFEST_INVALID,
    MANIFEST_EXPIRED,
    // signature and keys
    SIGNATURE_MISSING,
    SIGNATURE_MALFORMED,
    SIGNATURE_INVALID,
    KEY_MALFORMED,
    /** A private key where it would be served: inside a channel directory. */
    KEY_EXPOSED,
    // version policy
    VERSION_INVALID,
    /** A version this home accepted is offered again with other artifact bytes (re-published or tampered). */
    RELEASE_CHANGED,
    // platform
    PLATFORM_UNSUPPORTED,
    // transport and download
    HTTP_STATUS,
    HTTP_INSECURE,
    HTTP_REDIRECT,
    NETWORK,
    DOWNLOAD_TOO_LARGE,
    DOWNLOAD_TRUNCATED,
    DOWNLOAD_HASH_MISMATCH,
    DOWNLOAD_STALLED,
    DOWNLOAD_TOO_SLOW,
    DOWNLOAD_CANCELLED,
    DISK_SPACE,
    // files of the update home
    IO,
    RECORD_MALFORMED,
    // configuration and environment
    CONFIG_INVALID,
    RUNTIME_UNSUPPORTED,
    HOME_UNUSABLE,
    VERSION_UNKNOWN,
    // the sidecar: home, target, swap and supervision
    HOME_INSECURE,
    /** The home belongs to another user than the one running this process. */
    HOME_OTHER_OWNER,
    SIDECAR_RUNNING,
    FILESYSTEM_MISMATCH,
    TARGET_UNKNOWN,
    TARGET_MISMATCH,
    /** A record of the home names another target than the sidecar's own (its command line or options). */
    TARGET_CONFLICT,
    /** The host-written channel.json asks for more trust than the operator gave (a key, an insecure flag). */
    CHANNEL_UNTRUSTED,
    STAGED_INVALID,
    NOTHING_STAGED,
    NO_BACKUP,
    /** {@code allow}: the version is neither quarantined nor held back. */
    NOT_QUARANTINED,
    /** A command that restarts the host was not confirmed: no terminal to ask on, and no {@code --yes}. */
    NOT_CONFIRMED,
    HOST_RUNNING,
    HOST_STATE_UNKNOWN,
    HOST_NOT_STOPPED,
    SWAP_FAILED,
    HOST_START_FAILED,
    HOST_UNHEALTHY,
    /** {@code run --restart overlap} cannot start the new host beside the old one here; it falls back to stop-start. */
    OVERLAP_UNAVAILABLE,
    // delta downloads (DESIGN §12); every one of them means "download the full artifact instead"
    /** An artifact that cannot be indexed exactly: not a zip, or a zip with a layout refused as hostile. */
    ZIP_UNINDEXABLE,
    /** An entry index that is malformed, over its bounds, or inconsistent with the manifest. */
    DELTA_INDEX_INVALID,
    /** A delta that could not be turned into the exact artifact: an object missing or wrong, a result that differs. */
    DELTA_REBUILD_FAILED,
    /** {@code attach}: the JVM cannot take the agent (not running, not a JVM, another user's, attach disabled, no jdk.attach here). */
    ATTACH_REFUSED,
    /** {@code attach}: the agent is already loaded in that JVM with other options; nothing new was started. */
    AGENT_ALREADY_LOADED,
    /** {@code self-update}: no channel for the updater itself (none built in, none given), or it does not run from a jar. */
    SELF_UPDATE_UNAVAILABLE,
    /** {@code self-update}: the new updater jar, verified, did not pass its smoke test ({@code --version} in a child JVM). */
    SMOKE_TEST_FAILED,
    /** The host's {@code StateHandoff} MBean's {@code save()} or {@code restore()} threw, did not return in time, or returned too much; the update goes on without the state. */
    STATE_HANDOFF_FAILED,
    // archive releases (DESIGN §5 "Archives"); nothing of a refused archive is left unpacked
    /** An archive that is corrupt or that this reader does not support (truncated, bad checksum or CRC, encrypted). */
    ARCHIVE_MALFORMED,
    /** An archive entry that would escape its folder, a link out of it, a device or fifo, a duplicate entry. */
    ARCHIVE_UNSAFE,
    /** An archive over its bounds: too many entries, too many bytes unpacked, or the compression ratio of a bomb. */
    ARCHIVE_TOO_LARGE,
    // a bug in updater itself, caught so that it stops one check, never the host or later checks
    INTERNAL_ERROR
}
