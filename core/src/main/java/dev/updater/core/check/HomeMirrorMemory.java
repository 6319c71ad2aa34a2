package dev.updater.core.check;

import dev.updater.core.UpdaterException;
import dev.updater.core.download.MirrorFailover;
import dev.updater.core.home.JsonRecords;
import dev.updater.core.home.MirrorMemory;
import dev.updater.core.home.UpdateHome;
import dev.updater.core.text.Printable;

import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The agent's {@link MirrorFailover.Memory}: {@code mirrors.json} in the home ({@link MirrorMemory}), read
 * once at the first check and written only when the mirror that works changes (or once a day). A record
 * that cannot be read or written is a warning, said once, and the order starts afresh: the mirror that
 * worked is only a hint, never a reason to fail a check.
 */
public final class HomeMirrorMemory implements MirrorFailover.Memory {
    private final UpdateHome home;
    private final Clock clock;
    private final Consumer<String> warnings;
    private MirrorMemory memory;
    private boolean warned;

    /** @param warnings receives the one warning about an unusable {@code mirrors.json} */
    public HomeMirrorMemory(UpdateHome home, Clock clock, Consumer<String> warnings) {
        this.home = Objects.requireNonNull(home, "home");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.warnings = Objects.requireNonNull(warnings, "warnings");
    }

    @Override
    public synchronized Optional<String> recall(String primaryOrigin) {
        return loaded().recall(primaryOrigin, clock.instant());
    }

    @Override
    public synchronized void remember(String primaryOrigin, String goodOrigin) {
        MirrorMemory known = loaded();
        if (known.holds(primaryOrigin, goodOrigin, clock.instant())) {
            return;
        }
        memory = known.remember(primaryOrigin, goodOrigin, clock.instant());
        try {
            home.mirrorRecord().write(memory);
        } catch (UpdaterException | RuntimeException e) {
            warnOnce("Could not remember the mirror that worked (" + (e instanceof UpdaterException ? e.getMessage() : e)
                    + "); after a restart this host tries its mirrors in its own order again.");
        }
    }

    private MirrorMemory loaded() {
        if (memory == null) {
            try {
                memory = home.mirrorRecord().read().orElse(MirrorMemory.EMPTY);
            } catch (UpdaterException e) {
                memory = MirrorMemory.EMPTY;
                warnOnce("Ignoring " + home.mirrorRecord().path() + " (" + Printable.of(JsonRecords.reason(e))
                        + "): this host tries its mirrors in its own order, and the file is written again when a"
                        + " mirror answers.");
            }
        }
        return memory;
    }

    private void warnOnce(String warning) {
        if (!warned) {
            warned = true;
            warnings.accept(warning);
        }
    }
}
