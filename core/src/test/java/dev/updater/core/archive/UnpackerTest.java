package dev.updater.core.archive;

import dev.updater.core.ErrorCode;
import dev.updater.core.Sha256;
import dev.updater.core.UpdaterException;
import dev.updater.core.manifest.ArchiveFormat;
import dev.updater.core.testing.PosixModes;
import dev.updater.core.testing.TestArchives;
import dev.updater.core.testing.TestArchives.Entry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static dev.updater.core.testing.TestArchives.file;
import static dev.updater.core.testing.TestArchives.folder;
import static dev.updater.core.testing.TestArchives.hardLink;
import static dev.updater.core.testing.TestArchives.of;
import static dev.updater.core.testing.TestArchives.special;
import static dev.updater.core.testing.TestArchives.symlink;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UnpackerTest {
    private static final String UNSAFE_ADVICE = "; nothing was unpacked. It is not safe to install: rebuild it from a"
            + " clean folder (gradle distZip, the assembly plugin, tar) and publish it again.";
    private static final String TOO_LARGE_ADVICE = "; nothing was unpacked. Publish a smaller archive (the limits are"
            + " in docs/archives.md).";

    @TempDir
    Path dir;
    private Path releases;
    private Path outside;

    @BeforeEach
    void folders() throws IOException {
        releases = Files.createDirectories(dir.resolve("home/releases"));
        outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("victim.txt"), "untouched");
    }

    @ParameterizedTest
    @EnumSource(ArchiveFormat.class)
    void unpack_aDistribution_keepsContentsLinksAndExecBits_withoutSetuidOrOthersWrite(ArchiveFormat format)
            throws Exception {
        byte[] jar = new byte[300_000];
        new java.util.Random(7).nextBytes(jar);
        Path archive = write(format, of(folder("app-1.3.0/"), folder("app-1.3.0/bin/"),
                file("app-1.3.0/bin/app", 04755, "#!/bin/sh\nexec java -jar lib/app.jar\n"),
                file("app-1.3.0/lib/app-1.3.0.jar", 0644, jar),
                symlink("app-1.3.0/lib/app.jar", "app-1.3.0.jar"),
                file("app-1.3.0/config/app.properties", 0666, "port=8080\n"),
                file("app-1.3.0/bin/helper", 02775, "#!/bin/sh\n")));

        Unpacker.Unpacked result = Unpacker.unpack(archive, format, releases.resolve("1.3.0"), ArchiveLimits.DEFAULT);

        Path root = releases.resolve("1.3.0/app-1.3.0");
        assertEquals(new Unpacker.Unpacked(releases.resolve("1.3.0"), 4, 4, 1, 300_000 + 37 + 10 + 10), result);
        assertEquals(Sha256.ofBytes(jar), Sha256.ofFile(root.resolve("lib/app-1.3.0.jar")));
        assertEquals("port=8080\n", Files.readString(root.resolve("config/app.properties")));
        assertEquals(Path.of("app-1.3.0.jar"), Files.readSymbolicLink(root.resolve("lib/app.jar")));
        assertArrayEquals(jar, Files.readAllBytes(root.resolve("lib/app.jar")), "the link leads to the jar");
        if (PosixModes.supported(dir)) {
            assertEquals("rwxr-xr-x", PosixModes.of(root.resolve("bin/app")), "exec kept, setuid dropped");
            assertEquals("rwxr-xr-x", PosixModes.of(root.resolve("bin/helper")), "setgid and group write dropped");
            assertEquals("rw-r--r--", PosixModes.of(root.resolve("config/app.properties")), "others' write dropped");
            assertEquals("rw-r--r--", PosixModes.of(root.resolve("lib/app-1.3.0.jar")));
        }
        assertEquals(List.of("1.3.0"), list(releases), "no temporary folder left beside it");
    }

    /** The JDK's writer, used by Maven's and Gradle's plugins: sizes in data descriptors after the data, no modes. */
    @Test
    void unpack_aZipWrittenByZipOutputStream_withDataDescriptors() throws Exception {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(bytes)) {
            zip.putNextEntry(new java.util.zip.ZipEntry("app/"));
            zip.putNextEntry(new java.util.zip.ZipEntry("app/lib/a.txt"));
            zip.write("a".repeat(10_000).getBytes(StandardCharsets.UTF_8));
            zip.putNextEntry(new java.util.zip.ZipEntry("app/config/app.properties"));
            zip.write("port=1\n".getBytes(StandardCharsets.UTF_8));
        }
        Path archive = Files.write(dir.resolve("java.zip"), bytes.toByteArray());

        Unpacker.unpack(archive, ArchiveFormat.ZIP, releases.resolve("1.0.0"), ArchiveLimits.DEFAULT);

        assertEquals("a".repeat(10_000), Files.readString(releases.resolve("1.0.0/app/lib/a.txt")));
        assertEquals("port=1\n", Files.readString(releases.resolve("1.0.0/app/config/app.properties")));
        if (PosixModes.supported(dir)) {
            assertEquals("rw-r--r--", PosixModes.of(releases.resolve("1.0.0/app/lib/a.txt")), "no modes: 0644");
        }
    }

    /** GNU tar's own output (its default format, "./" prefixes, a symlink, an exec bit), as distTar users ship. */
    @Test
    void unpack_aTarGzWrittenByGnuTar() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/tar")), "needs /usr/bin/tar");
        Path source = Files.createDirectories(dir.resolve("src/bin"));
        Files.writeString(source.resolve("app"), "#!/bin/sh\n");
        PosixModes.setWhereSupported(source.resolve("app"), "rwxr-x---");
        Files.createSymbolicLink(source.resolve("start"), Path.of("app"));
        Path archive = dir.resolve("gnu.tar.gz");
        Process tar = new ProcessBuilder("tar", "czf", archive.toString(), "-C", dir.resolve("src").toString(), ".")
                .inheritIO().start();
        assertEquals(0, tar.waitFor());

        Unpacker.unpack(archive, ArchiveFormat.TAR_GZ, releases.resolve("1.0.0"), ArchiveLimits.DEFAULT);

        assertEquals("#!/bin/sh\n", Files.readString(releases.resolve("1.0.0/bin/app")));
        assertEquals(Path.of("app"), Files.readSymbolicLink(releases.resolve("1.0.0/bin/start")));
        if (PosixModes.supported(dir)) {
            assertEquals("rwxr-x---", PosixModes.of(releases.resolve("1.0.0/bin/app")));
        }
    }

    @Test
    void unpack_aTarWithALongPathAndAHardLink_writesBoth() throws Exception {
        String deep = "app/" + "very-long-folder-name/".repeat(6) + "file.txt";
        Path archive = write(ArchiveFormat.TAR_GZ, of(file(deep, 0644, "deep"), hardLink("app/copy.txt", deep)));

        Unpacker.unpack(archive, ArchiveFormat.TAR_GZ, releases.resolve("1.0.0"), ArchiveLimits.DEFAULT);

        assertEquals("deep", Files.readString(releases.resolve("1.0.0").resolve(deep)));
        assertEquals("deep", Files.readString(releases.resolve("1.0.0/app/copy.txt")));
    }

    @ParameterizedTest
    @EnumSource(ArchiveFormat.class)
    void unpack_refusesAnEntryClimbingOut_withDotDot(ArchiveFormat format) throws Exception {
        assertUnsafe(format, of(file("app/ok.txt", 0644, "ok"), file("app/../../../outside/victim.txt", 0644, "pwned")),
                "entry \"app/../../../outside/victim.txt\" climbs out of its folder with '..'");
    }

    @ParameterizedTest
    @EnumSource(ArchiveFormat.class)
    void unpack_refusesAnAbsolutePath(ArchiveFormat format) throws Exception {
        String victim = outside.resolve("victim.txt").toString();
        assertUnsafe(format, of(file(victim, 0644, "pwned")), "entry \"" + victim + "\" is an absolute path");
    }

    @ParameterizedTest
    @EnumSource(ArchiveFormat.class)
    void unpack_refusesADriveLetter_andABackslash(ArchiveFormat format) throws Exception {
        assertUnsafe(format, of(file("C:/Windows/evil.dll", 0644, "x")),
                "entry \"C:/Windows/evil.dll\" starts with a drive letter");
        assertUnsafe(format, of(file("app\\..\\..\\evil.bat", 0644, "x")),
                "entry \"app\\..\\..\\evil.bat\" has a backslash in its name, a folder separator on Windows");
    }

    @ParameterizedTest
    @EnumSource(ArchiveFormat.class)
    void unpack_refusesASymlinkLeadingOut(ArchiveFormat format) throws Exception {
        assertUnsafe(format, of(file("app/a.txt", 0644, "a"), symlink("app/lib/escape", "../../../outside")),
                "entry \"app/lib/escape\" is a symbolic link to \"../../../outside\", which leads out of the folder");
        assertUnsafe(format, of(symlink("app/passwd", "/etc/passwd")),
                "entry \"app/passwd\" is a symbolic link to \"/etc/passwd\", which leads out of the folder");
    }

    /** Each link alone looks inside; followed as the system follows them, b is the folder's parent. */
    @ParameterizedTest
    @EnumSource(ArchiveFormat.class)
    void unpack_refusesAChainOfLinksThatLeadsOut_thoughEachLooksInsideAsText(ArchiveFormat format) throws Exception {
        assertUnsafe(format, of(symlink("a", "."), symlink("b", "a/..")),
                "entry \"b\" is a symbolic link to \"a/..\", which leads out of the folder");
    }

    @ParameterizedTest
    @EnumSource(ArchiveFormat.class)
    void unpack_refusesAnEntryWrittenThroughALink(ArchiveFormat format) throws Exception {
        assertUnsafe(format, of(symlink("app/conf", "../../../outside"), file("app/conf/victim.txt", 0644, "pwned")),
                "entry \"app/conf/victim.txt\" lies beneath \"app/conf\", which the archive made a symbolic link"
                        + " (writing through it could reach anywhere)");
    }

    @Test
    void unpack_refusesAHardLinkOutOfTheFolder_orToNothingBeforeIt() throws Exception {
        assertUnsafe(ArchiveFormat.TAR_GZ, of(hardLink("app/passwd", "../../etc/passwd")),
                "entry \"app/passwd\" is a hard link to \"../../etc/passwd\", which climbs out of its folder with '..'");
        assertUnsafe(ArchiveFormat.TAR_GZ, of(hardLink("app/a", "app/b"), file("app/b", 0644, "b")),
                "entry \"app/a\" is a hard link to \"app/b\", which is not a file unpacked before it");
    }

    @ParameterizedTest
    @EnumSource(ArchiveFormat.class)
    void unpack_refusesDevicesAndFifos(ArchiveFormat format) throws Exception {
        assertUnsafe(format, of(file("app/ok", 0644, "ok"), special("app/sda", 'c')), "entry \"app/sda\" is a device file");
        assertUnsafe(format, of(special("app/pipe", 'p')), "entry \"app/pipe\" is a fifo (named pipe)");
    }

    @ParameterizedTest
    @EnumSource(ArchiveFormat.class)
    void unpack_refusesAnEntryGivenTwice(ArchiveFormat format) throws Exception {
        assertUnsafe(format, of(file("app/bin/app", 0755, "good"), file("app/./bin/app", 0755, "evil")),
                "entry \"app/./bin/app\" is in the archive twice (tools disagree on which copy wins)");
    }

    @ParameterizedTest
    @EnumSource(ArchiveFormat.class)
    void unpack_refusesMoreEntriesThanTheLimit(ArchiveFormat format) throws Exception {
        Path archive = write(format, of(file("a", 0644, "1"), file("b", 0644, "2"), file("c", 0644, "3")));
        String expected = format == ArchiveFormat.ZIP
                ? "it holds 3 entries, more than the limit of 2" : "it holds more than the limit of 2 entries";
        assertRefused(archive, format, new ArchiveLimits(2, 1 << 20, 200), ErrorCode.ARCHIVE_TOO_LARGE,
                "Archive " + archive.getFileName() + " is refused: " + expected + TOO_LARGE_ADVICE);
    }

    @ParameterizedTest
    @EnumSource(ArchiveFormat.class)
    void unpack_refusesMoreBytesThanTheLimit(ArchiveFormat format) throws Exception {
        byte[] noise = new byte[5000];
        new java.util.Random(1).nextBytes(noise);
        Path archive = write(format, of(file("a.bin", 0644, noise)));
        assertRefused(archive, format, new ArchiveLimits(10, 4096, 200), ErrorCode.ARCHIVE_TOO_LARGE,
                "Archive " + archive.getFileName() + " is refused: it unpacks to more than 4.1 kB, the limit"
                        + TOO_LARGE_ADVICE);
    }

    @ParameterizedTest
    @EnumSource(ArchiveFormat.class)
    void unpack_refusesTheCompressionRatioOfABomb(ArchiveFormat format) throws Exception {
        Path archive = write(format, of(file("zeros.bin", 0644, new byte[16 << 20])));
        UpdaterException e = assertThrows(UpdaterException.class,
                () -> Unpacker.unpack(archive, format, releases.resolve("1.0.0"), ArchiveLimits.DEFAULT));
        assertEquals(ErrorCode.ARCHIVE_TOO_LARGE, e.code(), e.getMessage());
        assertTrue(e.getMessage().matches("Archive " + archive.getFileName() + " is refused: it unpacks to more than"
                + " 200 times its own size \\(at least [0-9.]+ MB from [0-9.]+ kB\\), the ratio of an archive bomb"
                + "; nothing was unpacked\\. .*"), e.getMessage());
        assertNothingLeft();
    }

    @Test
    void unpack_refusesAZipWhoseEntriesShareData_theLayoutOfABomb() throws Exception {
        Path archive = dir.resolve("bomb.zip");
        Files.write(archive, TestArchives.zip(of(file("a", 0644, "x".repeat(1000)), file("b", 0644,
                "x".repeat(1000))), true));
        assertRefused(archive, ArchiveFormat.ZIP, ArchiveLimits.DEFAULT, ErrorCode.ARCHIVE_MALFORMED,
                "Archive bomb.zip cannot be unpacked: entry \"b\" overlaps another entry or the central directory"
                        + " (a zip bomb's layout); nothing was unpacked. Download it again, or rebuild and publish it"
                        + " again.");
    }

    @Test
    void unpack_refusesAZipEntryWhoseDataFailsItsCrc_leavingNothing() throws Exception {
        byte[] zip = TestArchives.zip(of(file("app/first.txt", 0644, "first"), file("app/second.txt", 0644,
                "y".repeat(100))));
        byte[] bad = zip.clone();
        int at = indexOf(zip, "app/second.txt".getBytes(StandardCharsets.UTF_8)) + "app/second.txt".length() + 1;
        bad[at] ^= 0x01; // a bit of the deflated data
        Path archive = dir.resolve("damaged.zip");
        Files.write(archive, bad);

        UpdaterException e = assertThrows(UpdaterException.class,
                () -> Unpacker.unpack(archive, ArchiveFormat.ZIP, releases.resolve("1.0.0"), ArchiveLimits.DEFAULT));
        assertEquals(ErrorCode.ARCHIVE_MALFORMED, e.code(), e.getMessage());
        assertTrue(e.getMessage().startsWith("Archive damaged.zip cannot be unpacked: entry \"app/second.txt\" is"
                + " damaged: "), e.getMessage());
        assertNothingLeft();
    }

    @Test
    void unpack_refusesATarCutShort() throws Exception {
        byte[] whole = TestArchives.tarGz(of(file("app/a.bin", 0644, new byte[10_000])));
        byte[] tar = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(whole)).readAllBytes();
        java.io.ByteArrayOutputStream cut = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(cut)) {
            gz.write(tar, 0, 4096);
        }
        Path archive = dir.resolve("cut.tar.gz");
        Files.write(archive, cut.toByteArray());
        assertRefused(archive, ArchiveFormat.TAR_GZ, ArchiveLimits.DEFAULT, ErrorCode.ARCHIVE_MALFORMED,
                "Archive cut.tar.gz cannot be unpacked: entry \"app/a.bin\" is damaged: the archive ends in the middle"
                        + " of an entry; nothing was unpacked. Download it again, or rebuild and publish it again.");
    }

    @Test
    void unpack_refusesATarFolderDeclaringData_thatWouldBeDecompressedOutsideEveryLimit() throws Exception {
        Path archive = dir.resolve("folder-data.tar.gz");
        Files.write(archive, TestArchives.tarGz(of(new Entry("app/", 'd', 0755, new byte[4096], null))));
        assertRefused(archive, ArchiveFormat.TAR_GZ, ArchiveLimits.DEFAULT, ErrorCode.ARCHIVE_MALFORMED,
                "Archive folder-data.tar.gz cannot be unpacked: entry \"app/\" is not a file but declares 4096 bytes"
                        + " of data; nothing was unpacked. Download it again, or rebuild and publish it again.");
    }

    @Test
    void unpack_intoAFolderThatExists_refusesAndKeepsIt() throws Exception {
        Path existing = Files.createDirectories(releases.resolve("1.0.0"));
        Files.writeString(existing.resolve("keep.txt"), "kept");
        Path archive = write(ArchiveFormat.ZIP, of(file("a", 0644, "a")));
        UpdaterException e = assertThrows(UpdaterException.class,
                () -> Unpacker.unpack(archive, ArchiveFormat.ZIP, existing, ArchiveLimits.DEFAULT));
        assertEquals(ErrorCode.IO, e.code());
        assertEquals("kept", Files.readString(existing.resolve("keep.txt")));
    }

    private void assertUnsafe(ArchiveFormat format, List<Entry> entries, String what) throws Exception {
        Path archive = write(format, entries);
        assertRefused(archive, format, ArchiveLimits.DEFAULT, ErrorCode.ARCHIVE_UNSAFE,
                "Archive " + archive.getFileName() + " is refused: " + what + UNSAFE_ADVICE);
    }

    private void assertRefused(Path archive, ArchiveFormat format, ArchiveLimits limits, ErrorCode code, String message)
            throws IOException {
        UpdaterException e = assertThrows(UpdaterException.class,
                () -> Unpacker.unpack(archive, format, releases.resolve("1.0.0"), limits));
        assertEquals(code, e.code(), e.getMessage());
        assertEquals(message, e.getMessage());
        assertNothingLeft();
    }

    /** Nothing half-unpacked, no temporary folder, and the file outside untouched. */
    private void assertNothingLeft() throws IOException {
        assertEquals(List.of(), list(releases));
        assertEquals(List.of("victim.txt"), list(outside));
        assertEquals("untouched", Files.readString(outside.resolve("victim.txt")));
        assertFalse(Files.exists(dir.resolve("home/releases/1.0.0"), LinkOption.NOFOLLOW_LINKS));
    }

    private Path write(ArchiveFormat format, List<Entry> entries) throws IOException {
        Path archive = dir.resolve(format == ArchiveFormat.ZIP ? "app.zip" : "app.tar.gz");
        Files.write(archive, format == ArchiveFormat.ZIP ? TestArchives.zip(entries) : TestArchives.tarGz(entries));
        return archive;
    }

    private static List<String> list(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            if (java.util.Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        throw new AssertionError("not found");
    }
}
