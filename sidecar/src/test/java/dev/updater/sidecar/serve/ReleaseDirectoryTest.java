package dev.updater.sidecar.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReleaseDirectoryTest {
    private static final String NO_LINKS = "symbolic links cannot be made here (Windows without the privilege)";

    @TempDir
    Path temp;

    private Path root;
    private ReleaseDirectory directory;

    @BeforeEach
    void createDirectory() throws IOException {
        root = Files.createDirectory(temp.resolve("releases"));
        Files.writeString(root.resolve("manifest.json"), "{}");
        Files.createDirectories(root.resolve("linux"));
        Files.writeString(root.resolve("linux/app-1.0.0"), "binary");
        Files.writeString(root.resolve("a b.txt"), "space");
        Files.writeString(root.resolve("é.txt"), "accent");
        Files.writeString(temp.resolve("outside.txt"), "secret");
        directory = new ReleaseDirectory(root);
    }

    @Test
    void decodeSegments_decodesEachSegment() {
        assertEquals(Optional.of(List.of("a b", "é.txt")), ReleaseDirectory.decodeSegments("/a%20b/%C3%A9.txt"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/a//b", "/a/", "/.", "/..", "/a/../b", "/%2e%2e", "/%2E", "/a%2fb", "/a%2Fb",
            "/a%5cb", "/a\\b", "/a%00b", "/a%0ab", "/C:", "/c%3a", "/.git", "/%2egit", "/%zz", "/%2", "/%c0%ae",
            "/%ff"})
    void decodeSegments_ofAnythingButPlainNames_isEmpty(String rawPath) {
        assertEquals(Optional.empty(), ReleaseDirectory.decodeSegments(rawPath));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/manifest.json", "/linux/app-1.0.0", "/a%20b.txt", "/%C3%A9.txt", "/manifest.json?x=1"})
    void resolve_aFileInside_givesItsRealPath(String target) throws IOException {
        Optional<Path> resolved = directory.resolve(URI.create(target));

        assertTrue(resolved.isPresent(), target);
        assertTrue(resolved.get().startsWith(root.toRealPath()), resolved.get().toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/linux", "/missing", "//linux/app-1.0.0", "/../outside.txt", "relative.txt", "*"})
    void resolve_aDirectoryOrAnythingNotInside_isEmpty(String target) {
        assertEquals(Optional.empty(), directory.resolve(URI.create(target)));
    }

    @Test
    void resolve_aSymlinkLeavingTheDirectory_isEmpty() throws IOException {
        assumeTrue(symlink(root.resolve("out.txt"), temp.resolve("outside.txt")), NO_LINKS);
        assumeTrue(symlink(root.resolve("up"), temp), NO_LINKS);

        assertEquals(Optional.empty(), directory.resolve(URI.create("/out.txt")));
        assertEquals(Optional.empty(), directory.resolve(URI.create("/up/outside.txt")));
    }

    @Test
    void resolve_throughARootThatIsASymlink_followsItsCurrentTarget() throws IOException {
        Path current = temp.resolve("current");
        assumeTrue(symlink(current, root), NO_LINKS);
        ReleaseDirectory viaLink = new ReleaseDirectory(current);

        assertEquals(Optional.of(root.toRealPath().resolve("manifest.json")),
                viaLink.resolve(URI.create("/manifest.json")));
    }

    @Test
    void open_givesTheBytesAndTheAttributesOfTheSameFile() throws IOException {
        Instant modified = Instant.parse("2026-02-07T12:00:00Z");
        Files.setLastModifiedTime(root.resolve("manifest.json"), FileTime.from(modified));

        try (OpenedFile file = directory.open(URI.create("/manifest.json")).orElseThrow()) {
            ByteBuffer bytes = ByteBuffer.allocate(2);
            file.channel().read(bytes, 0);
            assertArrayEquals("{}".getBytes(), bytes.array());
            assertEquals(2, file.size());
            assertEquals(modified, file.lastModified());
            assertEquals("\"2-" + Long.toHexString(modified.getEpochSecond()) + ".0\"", file.entityTag());
        }
    }

    @Test
    void open_aMissingFile_isEmpty() throws IOException {
        assertEquals(Optional.empty(), directory.open(URI.create("/nothing.json")));
    }

    private static boolean symlink(Path link, Path target) {
        try {
            Files.createSymbolicLink(link, target);
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
