package dev.updater.agent;

import dev.updater.agent.host.HostLock;
import dev.updater.agent.host.HostProcess;
import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.home.AgentRecord;
import dev.updater.core.home.HomeOwnership;
import dev.updater.core.home.UpdateHome;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * An agent whose configuration is refused still says why where the operator looks: {@code agent.json}'s
 * {@code lastError}, which {@code updater-sidecar status} shows as "Last error", not only the host's log.
 * Only into a home that already exists and is this host's own (a disabled agent creates nothing, and
 * never writes into a folder someone else could have prepared), and only while no other host holds its
 * {@code host.lock}; the lock is then kept for the host's life, as a working agent keeps it.
 */
final class DisabledAgentRecord {
    private DisabledAgentRecord() {
    }

    /**
     * Records {@code error} for this host; returns the lock to keep referenced for the host's life, or
     * empty when nothing was written. Never throws: the host runs on either way.
     */
    static Optional<HostLock> write(String agentArgs, Properties properties, Map<String, String> environment,
                                    String agentVersion, String error) {
        try {
            HostProcess host = HostProcess.current();
            Optional<Path> dir = homeOf(agentArgs, properties, environment, host);
            if (dir.isEmpty() || !Files.isDirectory(dir.get(), LinkOption.NOFOLLOW_LINKS)) {
                return Optional.empty();
            }
            UpdateHome home = new UpdateHome(dir.get());
            if (!HomeOwnership.check(home).ownedByThisProcess()) {
                return Optional.empty();
            }
            HostLock lock = HostLock.acquire(home.hostLock(), () -> "another host");
            Instant now = Instant.now();
            home.agentRecord().write(new AgentRecord(host.pid(), host.startedAt(), null, null,
                    host.jarPath().map(Path::toString).orElse(null), null, host.commandLine(), agentVersion, null,
                    false, null, now, null, null, error, false, null, now));
            return Optional.of(lock);
        } catch (UpdaterException | RuntimeException e) {
            return Optional.empty(); // the log line said it already; a home we cannot use gets nothing
        }
    }

    /** Where the agent would have worked, by its own rules: home=, updater.home, UPDATER_HOME, else beside the jar. */
    private static Optional<Path> homeOf(String agentArgs, Properties properties, Map<String, String> environment,
                                         HostProcess host) throws UpdaterException {
        if (agentArgs != null) {
            for (String part : agentArgs.split(",")) {
                String item = part.strip();
                if (item.startsWith("home=") && item.length() > "home=".length()) {
                    return Optional.of(Path.of(item.substring("home=".length()).strip()));
                }
                if (item.startsWith("config=")) {
                    return Optional.empty(); // the file may name another home: guessing could write into the wrong one
                }
            }
        }
        String home = properties.getProperty("updater.home", environment.get("UPDATER_HOME"));
        if (home != null && !home.isBlank()) {
            return Optional.of(Path.of(home));
        }
        if (agentArgs != null && agentArgs.contains("target=")) {
            return Optional.empty(); // the target is part of what failed to be read
        }
        Path jar = host.jarPath().orElseThrow(() -> new UpdaterException(ErrorCode.CONFIG_INVALID, "no -jar"));
        return Optional.ofNullable(jar.toAbsolutePath().getParent()).map(parent -> parent.resolve(".updater"));
    }
}
