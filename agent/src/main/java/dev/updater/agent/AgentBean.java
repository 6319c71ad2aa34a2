package dev.updater.agent;

import dev.updater.agent.jmx.UpdaterAgentMXBean;

import java.time.Instant;
import java.util.Objects;

/** The agent as JMX shows it: what the shared state says; {@code checkNow} wakes the poll loop. */
final class AgentBean implements UpdaterAgentMXBean {
    private final AgentState state;
    private final PollLoop loop;

    AgentBean(AgentState state, PollLoop loop) {
        this.state = state;
        this.loop = loop;
    }

    @Override
    public void checkNow() {
        loop.checkNow();
    }

    @Override
    public String getRunningVersion() {
        return Objects.toString(state.snapshot().runningVersion(), null);
    }

    @Override
    public String getLatestSeenVersion() {
        return Objects.toString(state.snapshot().latestSeen(), null);
    }

    @Override
    public String getStagedVersion() {
        return Objects.toString(state.staged(), null);
    }

    @Override
    public String getLastCheckTime() {
        Instant at = state.snapshot().lastCheckAt();
        return at == null ? null : at.toString();
    }

    @Override
    public String getLastCheckResult() {
        return state.snapshot().lastCheckResult();
    }

    @Override
    public String getLastError() {
        return state.snapshot().lastError();
    }

    @Override
    public long getChecks() {
        return state.snapshot().checks();
    }

    @Override
    public long getCheckErrors() {
        return state.snapshot().checkErrors();
    }

    @Override
    public long getDownloadedBytes() {
        return state.snapshot().downloadedBytes();
    }

    @Override
    public boolean isReady() {
        return state.isReady();
    }
}
