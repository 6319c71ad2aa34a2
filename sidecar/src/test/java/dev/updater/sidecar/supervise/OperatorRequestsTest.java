package dev.updater.sidecar.supervise;

import dev.updater.core.home.RollbackRequest;
import dev.updater.core.home.ApplyRequest;
import dev.updater.core.version.ReleaseVersion;
import dev.updater.core.Sha256;
import dev.updater.core.home.Backup;
import dev.updater.core.home.HistoryEvent;
import dev.updater.core.home.UpdateHome;
import dev.updater.sidecar.testhost.Staging;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Requests are checked against the home as it is when the sidecar takes them. */
class OperatorRequestsTest {
    private static final Instant NOW = Instant.parse("2026-03-02T09:30:00Z");

    @TempDir
    Path dir;

    private UpdateHome home;
    private Path target;
    private final List<String> log = new ArrayList<>();
    private OperatorRequests operator;

    @BeforeEach
    void aHomeWithABackup() throws Exception {
        home = new UpdateHome(Staging.newHome(dir.resolve("home")));
        target = Files.writeString(dir.resolve("app.jar"), "1.1.0");
        Path backup = Files.createDirectories(home.backups().resolve("1.0.0")).resolve("app.jar");
        Files.writeString(backup, "1.0.0");
        home.backup(backup.getParent()).write(new Backup(ReleaseVersion.tryParse("1.0.0"),
                Sha256.ofFile(backup), 5, "backup/1.0.0/app.jar", NOW));
        operator = new OperatorRequests(home, new StagedReleases(home, log::add), Clock.fixed(NOW, ZoneOffset.UTC), log::add);
    }

    @Test
    void aRollbackAskedBeforeAnotherSwap_isRefused_ratherThanGoingOneVersionTooFar() throws Exception {
        home.rollbackRequest().write(new RollbackRequest(sha("1.2.0"), sha("1.1.0"), NOW));

        Optional<Backup> backup = operator.takeRollback(Optional.of(target));

        assertEquals(Optional.empty(), backup);
        assertFalse(operator.rollbackWaiting(), "the request is used up");
        String sentence = "rollback asked, but the installed artifact changed since (another swap ran); run"
                + " 'updater-sidecar status' and ask again";
        assertEquals(List.of(sentence), log);
        HistoryEvent event = home.history().read().get(0);
        assertEquals(HistoryEvent.Kind.FAILED, event.event());
        assertEquals(NOW, event.at());
        assertEquals(sentence, event.detail());
    }

    @Test
    void aRollbackOfWhatIsInstalled_getsTheBackupTheOperatorSaw() throws Exception {
        home.rollbackRequest().write(new RollbackRequest(sha("1.1.0"), sha("1.0.0"), NOW));

        assertEquals(ReleaseVersion.parse("1.0.0"), operator.takeRollback(Optional.of(target)).orElseThrow().version());
    }

    @Test
    void anApplyForAReleaseNoLongerStaged_isRefused() throws Exception {
        Staging.stage(home.dir(), Files.writeString(dir.resolve("new.jar"), "1.3.0"), "1.3.0");
        home.applyRequest().write(new ApplyRequest(ReleaseVersion.parse("1.2.0"), sha("1.2.0"), NOW));

        assertEquals(Optional.empty(), operator.takeApply());
        assertEquals(List.of("apply asked for 1.2.0, but 1.3.0 is staged now; run 'updater-sidecar status' and apply"
                + " again"), log);
    }

    private static Sha256 sha(String text) {
        return Sha256.ofBytes(text.getBytes(StandardCharsets.UTF_8));
    }
}
