package dev.updater.sidecar.swap;

import dev.updater.core.UpdaterException;
import dev.updater.core.home.JsonRecords;
import dev.updater.core.home.Quarantine;
import dev.updater.core.home.UpdateHome;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** {@code quarantine.json}: versions never installed again automatically. The agent skips them. */
public final class QuarantineFile {
    private QuarantineFile() {
    }

    public static Quarantine read(UpdateHome home) throws UpdaterException {
        return JsonRecords.read(home.quarantine(), Quarantine.class).orElse(new Quarantine(List.of()));
    }

    /** Adds {@code version} unless it is there already; true when it was added. */
    static boolean add(UpdateHome home, String version, String reason, Instant at) throws UpdaterException {
        Quarantine current = read(home);
        if (version == null || current.contains(version)) {
            return false;
        }
        List<Quarantine.Entry> entries = new ArrayList<>(current.versions());
        entries.add(new Quarantine.Entry(version, reason, at));
        JsonRecords.write(home.quarantine(), new Quarantine(entries));
        return true;
    }
}
