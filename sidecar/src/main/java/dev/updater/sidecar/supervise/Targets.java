package dev.updater.sidecar.supervise;

import dev.updater.core.UpdaterException;
import dev.updater.core.home.AgentRecord;
import dev.updater.core.home.JsonRecords;
import dev.updater.core.home.UpdateHome;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Finds the target, the file the host runs: {@code --target}, else the agent's record, else the command's {@code -jar}. */
public final class Targets {
    private Targets() {
    }

    public static Optional<Path> resolve(Path option, UpdateHome home, List<String> command) {
        if (option != null) {
            return Optional.of(option.toAbsolutePath().normalize());
        }
        try {
            Optional<AgentRecord> agent = JsonRecords.read(home.agentRecord(), AgentRecord.class);
            if (agent.isPresent() && agent.get().target() != null && !agent.get().target().isBlank()) {
                return Optional.of(Path.of(agent.get().target()).toAbsolutePath().normalize());
            }
        } catch (UpdaterException e) {
            // no usable agent record yet: fall through to the command line
        }
        int jar = command.indexOf("-jar");
        if (jar >= 0 && jar + 1 < command.size()) {
            return Optional.of(Path.of(command.get(jar + 1)).toAbsolutePath().normalize());
        }
        return Optional.empty();
    }
}
