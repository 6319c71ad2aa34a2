package dev.updater.core.archive;

import dev.updater.core.Sha256;
import dev.updater.core.testing.PosixModes;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class ReleaseTreeTest {
    @TempDir
    Path dir;

    Path tree;
    Sha256 recorded;

    @BeforeEach
    void aDistribution() throws Exception {
        tree = distribution(dir.resolve("a"));
        recorded = ReleaseTree.hashOf(tree);
    }

    @Test
    void hashOf_aFaithfulCopyElsewhere_isTheSame() throws Exception {
        assertEquals(recorded, ReleaseTree.hashOf(distribution(dir.resolve("elsewhere/b"))));
    }

    @Test
    void hashOf_changes_whenAFileChanges_evenToTheSameSize() throws Exception {
        Files.writeString(tree.resolve("lib/app.jar"), "jar 1.0.1");
        assertNotEquals(recorded, ReleaseTree.hashOf(tree));
    }

    @Test
    void hashOf_changes_whenAFileIsAddedOrRemoved_orAFolderAdded() throws Exception {
        Files.writeString(tree.resolve("lib/extra.jar"), "");
        assertNotEquals(recorded, ReleaseTree.hashOf(tree));
        Files.delete(tree.resolve("lib/extra.jar"));
        assertEquals(recorded, ReleaseTree.hashOf(tree));
        Files.delete(tree.resolve("config/app.properties"));
        assertNotEquals(recorded, ReleaseTree.hashOf(tree));
        Files.writeString(tree.resolve("config/app.properties"), "port=8080\n");
        Files.createDirectory(tree.resolve("plugins"));
        assertNotEquals(recorded, ReleaseTree.hashOf(tree));
    }

    @Test
    void hashOf_changes_whenAModeOrALinksTextChanges() throws Exception {
        PosixModes.assumeSupported(dir);
        PosixModes.set(tree.resolve("bin/app"), "rw-r--r--");
        assertNotEquals(recorded, ReleaseTree.hashOf(tree));
        PosixModes.set(tree.resolve("bin/app"), "rwxr-xr-x");
        Files.delete(tree.resolve("lib/current.jar"));
        Files.createSymbolicLink(tree.resolve("lib/current.jar"), Path.of("/etc/passwd"));
        assertNotEquals(recorded, ReleaseTree.hashOf(tree));
    }

    private static Path distribution(Path root) throws Exception {
        Files.createDirectories(root.resolve("bin"));
        Files.createDirectories(root.resolve("lib"));
        Files.createDirectories(root.resolve("config"));
        Files.writeString(root.resolve("bin/app"), "#!/bin/sh\n");
        PosixModes.setWhereSupported(root.resolve("bin/app"), "rwxr-xr-x");
        Files.writeString(root.resolve("lib/app.jar"), "jar 1.0.0");
        Files.createSymbolicLink(root.resolve("lib/current.jar"), Path.of("app.jar"));
        Files.writeString(root.resolve("config/app.properties"), "port=8080\n");
        return root;
    }
}
