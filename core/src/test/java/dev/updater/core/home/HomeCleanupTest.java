package dev.updater.core.home;

import dev.updater.core.version.ReleaseVersion;
import dev.updater.core.Sha256;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HomeCleanupTest {
    private static final Instant T = Instant.parse("2026-02-07T12:00:00Z");
    private static final String SHA_A = "a".repeat(64);
    private static final String SHA_B = "b".repeat(64);

    @TempDir
    Path dir;

    UpdateHome home;
    HomeCleanup cleanup;

    @BeforeEach
    void aHome() throws Exception {
        home = new UpdateHome(Files.createDirectories(dir.resolve("home")));
        cleanup = new HomeCleanup(home);
    }

    @Test
    void deleteTree_deletesALinkInside_butNeverWhatItPointsAt() throws Exception {
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        Path precious = Files.writeString(elsewhere.resolve("precious.txt"), "keep me");
        Path tree = Files.createDirectories(dir.resolve("tree/sub"));
        Files.writeString(tree.resolve("file.txt"), "x");
        Files.createSymbolicLink(tree.resolve("link"), elsewhere);

        HomeCleanup.deleteTree(dir.resolve("tree"));

        assertFalse(Files.exists(dir.resolve("tree")));
        assertEquals("keep me", Files.readString(precious));
    }

    @Test
    void deleteTree_ofALinkToAFolder_deletesTheLinkOnly() throws Exception {
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        Files.writeString(elsewhere.resolve("precious.txt"), "keep me");
        Path link = Files.createSymbolicLink(dir.resolve("link"), elsewhere);

        HomeCleanup.deleteTree(link);

        assertFalse(Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertEquals("keep me", Files.readString(elsewhere.resolve("precious.txt")));
    }

    @Test
    void deleteRelease_keepsTheFolder_whileASwapIsJournaledButUnfinished_andDeletesItOnceFinished() throws Exception {
        Path release = releaseFolder("1.1.0");
        SwapJournal swapped = journal(SwapState.SWAPPED);
        home.swapJournal().write(swapped);

        cleanup.deleteRelease(ReleaseVersion.parse("1.1.0"));
        assertTrue(Files.exists(release.resolve("app.jar")), "a swap in flight may still read it");

        home.swapJournal().write(swapped.withState(SwapState.FAILED, T));
        cleanup.deleteRelease(ReleaseVersion.parse("1.1.0"));
        assertFalse(Files.exists(release));
    }

    @Test
    void deleteRelease_keepsAFolderStagedAgain() throws Exception {
        Path release = releaseFolder("1.1.0");
        home.stagedRecord().write(new StagedRelease(ReleaseVersion.parse("1.1.0"), "releases/1.1.0/app.jar", 3, new Sha256(SHA_A), "any",
                List.of(), List.of(), null, false, false, null, null, null, T));

        cleanup.deleteRelease(ReleaseVersion.parse("1.1.0"));

        assertTrue(Files.exists(release.resolve("app.jar")), "staged.json names it again");
    }

    @Test
    void pruneBackups_keepsTheNewest_andTheProtectedOne() throws Exception {
        List<Backup> newestFirst = List.of(backup("1.3.0", 3), backup("1.2.0", 2), backup("1.1.0", 1),
                backup("1.0.0", 0));

        cleanup.pruneBackups(newestFirst, 2, "backup/1.0.0/app.jar");

        assertTrue(Files.exists(home.backups().resolve("1.3.0/app.jar")));
        assertTrue(Files.exists(home.backups().resolve("1.2.0/app.jar")));
        assertFalse(Files.exists(home.backups().resolve("1.1.0")));
        assertTrue(Files.exists(home.backups().resolve("1.0.0/app.jar")), "the one the journal names is kept");
    }

    @Test
    void dropStagedIf_deletesStagedJsonOnlyWhenItNamesThoseBytes() throws Exception {
        home.stagedRecord().write(new StagedRelease(ReleaseVersion.parse("1.1.0"), "releases/1.1.0/app.jar", 3, new Sha256(SHA_A), "any",
                List.of(), List.of(), null, false, false, null, null, null, T));

        cleanup.dropStagedIf(new Sha256(SHA_B));
        assertTrue(Files.exists(home.stagedRecord().path()));

        cleanup.dropStagedIf(new Sha256(SHA_A.toUpperCase(java.util.Locale.ROOT)));
        assertFalse(Files.exists(home.stagedRecord().path()));
    }

    private Path releaseFolder(String version) throws Exception {
        Path release = Files.createDirectories(home.release(version));
        Files.writeString(release.resolve("app.jar"), "jar");
        return release;
    }

    private Backup backup(String version, int minutes) throws Exception {
        Path folder = Files.createDirectories(home.backups().resolve(version));
        byte[] bytes = version.getBytes(StandardCharsets.UTF_8);
        Files.write(folder.resolve("app.jar"), bytes);
        Backup backup = new Backup(ReleaseVersion.tryParse(version), Sha256.ofBytes(bytes), bytes.length, "backup/" + version + "/app.jar",
                T.plusSeconds(60L * minutes));
        home.backup(folder).write(backup);
        return backup;
    }

    private SwapJournal journal(SwapState state) {
        return new SwapJournal("20260207T120000.000Z", SwapJournal.Kind.INSTALL, state, dir.resolve("app.jar").toString(),
                new SwapJournal.Artifact(ReleaseVersion.tryParse("1.0.0"), new Sha256(SHA_A), 5), new SwapJournal.Artifact(ReleaseVersion.tryParse("1.1.0"), new Sha256(SHA_B), 5),
                "releases/1.1.0/app.jar", "backup/1.0.0/app.jar", false, 1, 0, false, null, null, T, T);
    }
}
