package dev.updater.core.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Test only: file modes ({@code rwx------}) where the file store has them. Windows' NTFS has none:
 * there a test about modes is skipped, saying so, and a test that only sets a mode on the way to
 * something else goes on without it, as the product itself does.
 *
 * <pre>{@code
 * PosixModes.assumeSupported(dir);                 // a test about modes
 * PosixModes.set(home, "rwxrwxrwx");
 * assertEquals("rwx------", PosixModes.of(created));
 *
 * PosixModes.setWhereSupported(home, "rwx------"); // a test about something else
 * }</pre>
 */
public final class PosixModes {
    private PosixModes() {
    }

    /** True when the file store holding {@code path} keeps POSIX modes. */
    public static boolean supported(Path path) {
        try {
            Path existing = path.toAbsolutePath();
            while (!Files.exists(existing)) {
                existing = existing.getParent();
            }
            return Files.getFileStore(existing).supportsFileAttributeView(PosixFileAttributeView.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Skips the test, saying why, unless the file store holding {@code path} keeps POSIX modes. */
    public static void assumeSupported(Path path) {
        Assumptions.assumeTrue(supported(path), "a test of POSIX file modes; the file store of " + path + " has none");
    }

    /** The mode of {@code path}, e.g. {@code rw-r--r--}. */
    public static String of(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    /** Gives {@code path} the mode {@code mode}, e.g. {@code rwx------}; for tests that assumed {@link #supported}. */
    public static Path set(Path path, String mode) throws IOException {
        return Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(mode));
    }

    /** As {@link #set}, where the file store keeps modes; elsewhere nothing. */
    public static Path setWhereSupported(Path path, String mode) throws IOException {
        return supported(path) ? set(path, mode) : path;
    }
}
