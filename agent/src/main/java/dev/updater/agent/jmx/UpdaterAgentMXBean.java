package dev.updater.agent.jmx;

/**
 * The agent as JMX shows it, under {@code dev.updater:type=UpdaterAgent}: what runs, what the
 * channel offers, what is staged, how the last check went; {@link #checkNow()} checks at once.
 */
public interface UpdaterAgentMXBean {
    String getRunningVersion();

    String getLatestSeenVersion();

    String getStagedVersion();

    String getLastCheckTime();

    String getLastCheckResult();

    String getLastError();

    /** Checks of the release channel since the host started. */
    long getChecks();

    /** Checks that failed since the host started. */
    long getCheckErrors();

    /** Bytes downloaded since the host started: whole releases, or a delta's index and changed entries. */
    long getDownloadedBytes();

    boolean isReady();

    /** Asks the agent to check the channel now instead of at the next interval. */
    void checkNow();
}
