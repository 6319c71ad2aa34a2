package dev.updater.demo;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataFileTest {
    private static final Instant T1 = Instant.parse("2026-02-07T12:00:00Z");
    private static final Instant T2 = Instant.parse("2026-02-08T09:30:00Z");

    @TempDir
    Path temp;

    @Test
    void open_withoutAFile_startsAtZeroAndWritesNothing() throws Exception {
        Path path = temp.resolve("demo-data.properties");

        DataFile data = DataFile.open(path);

        assertEquals(0, data.visits());
        assertEquals(Optional.empty(), data.lastChange());
        assertFalse(Files.exists(path));
    }

    @Test
    void countVisit_writesTheNewCountAtOnce() throws Exception {
        Path path = temp.resolve("demo-data.properties");
        DataFile data = DataFile.open(path);

        assertEquals(1, data.countVisit());
        assertEquals(Map.of("visits", "1"), read(path));
        assertEquals(2, data.countVisit());

        assertEquals(2, DataFile.open(path).visits());
    }

    @Test
    void recordStart_ofTheFirstVersion_recordsItWithoutAChange() throws Exception {
        Path path = temp.resolve("demo-data.properties");

        Optional<VersionChange> change = DataFile.open(path).recordStart("1.0.0", T1);

        assertEquals(Optional.empty(), change);
        assertEquals(Map.of("visits", "0", "last-version", "1.0.0"), read(path));
    }

    @Test
    void recordStart_ofAnotherVersion_recordsWhereItCameFrom() throws Exception {
        Path path = temp.resolve("demo-data.properties");
        DataFile.open(path).recordStart("1.0.0", T1);

        Optional<VersionChange> change = DataFile.open(path).recordStart("1.1.0", T2.plusMillis(123));

        assertEquals(Optional.of(new VersionChange("1.0.0", "1.1.0", T2)), change);
        assertEquals(Map.of("visits", "0", "last-version", "1.1.0", "updated-from", "1.0.0",
                "updated-at", "2026-02-08T09:30:00Z"), read(path));
    }

    @Test
    void recordStart_ofTheSameVersionAgain_keepsTheEarlierChange() throws Exception {
        Path path = temp.resolve("demo-data.properties");
        DataFile.open(path).recordStart("1.0.0", T1);
        DataFile.open(path).recordStart("1.1.0", T2);

        Optional<VersionChange> change = DataFile.open(path).recordStart("1.1.0", T2.plusSeconds(60));

        assertEquals(Optional.of(new VersionChange("1.0.0", "1.1.0", T2)), change);
    }

    @Test
    void recordStart_ofAnOlderVersion_isADowngrade() throws Exception {
        Path path = temp.resolve("demo-data.properties");
        DataFile.open(path).recordStart("1.1.0", T1);

        Optional<VersionChange> change = DataFile.open(path).recordStart("1.0.0", T2);

        assertEquals("downgraded from 1.1.0", change.orElseThrow().describe());
    }

    @Test
    void countsAndVersions_surviveEachOther() throws Exception {
        Path path = temp.resolve("demo-data.properties");
        DataFile first = DataFile.open(path);
        first.recordStart("1.0.0", T1);
        first.countVisit();
        first.countVisit();

        DataFile second = DataFile.open(path);
        second.recordStart("1.1.0", T2);
        second.countVisit();

        assertEquals(Map.of("visits", "3", "last-version", "1.1.0", "updated-from", "1.0.0",
                "updated-at", "2026-02-08T09:30:00Z"), read(path));
    }

    @Test
    void write_keepsKeysItDoesNotKnow() throws Exception {
        Path path = temp.resolve("demo-data.properties");
        Files.writeString(path, "visits=4\nowner=ops team\n");

        DataFile.open(path).countVisit();

        assertEquals(Map.of("visits", "5", "owner", "ops team"), read(path));
    }

    @Test
    void write_leavesNoTemporaryFileBehind() throws Exception {
        Path path = temp.resolve("demo-data.properties");
        DataFile data = DataFile.open(path);
        for (int i = 0; i < 5; i++) {
            data.countVisit();
        }

        try (Stream<Path> files = Files.list(temp)) {
            assertEquals(List.of(path, DataFile.lockFile(path)), files.sorted().toList());
        }
    }

    @Test
    void countVisit_ofTwoInstancesOnOneFile_addsUpEveryVisit_andKeepsTheOthersVersionRecord() throws Exception {
        Path path = temp.resolve("demo-data.properties");
        DataFile old = DataFile.open(path);
        old.recordStart("1.0.0", T1);
        old.countVisit();
        DataFile next = DataFile.open(path);
        next.recordStart("1.1.0", T2);

        assertEquals(2, old.countVisit());
        assertEquals(3, next.countVisit());
        assertEquals(4, old.countVisit());
        old.save();

        assertEquals(Map.of("visits", "4", "last-version", "1.1.0", "updated-from", "1.0.0",
                "updated-at", "2026-02-08T09:30:00Z"), read(path));
        assertEquals(4, next.visits() + 1, "the other instance learns of visits at its next write");
    }

    @Test
    void countVisit_afterAFailedWrite_addsTheUnsavedVisitToWhatTheOtherInstanceSaved() throws Exception {
        Path path = temp.resolve("demo-data.properties");
        Files.writeString(path, "visits=10\n");
        DataFile data = DataFile.open(path);
        DataFile other = DataFile.open(path);
        Files.createDirectory(DataFile.lockFile(path)); // the lock cannot be taken: the write fails
        assertThrows(IOException.class, data::countVisit);
        assertEquals(11, data.visits());
        Files.delete(DataFile.lockFile(path));

        other.countVisit();
        assertEquals(13, data.countVisit());
        assertEquals("13", read(path).get("visits"));
    }

    @Test
    void write_createsMissingFolders() throws Exception {
        Path path = temp.resolve("a/b/demo-data.properties");

        DataFile.open(path).countVisit();

        assertEquals(Map.of("visits", "1"), read(path));
    }

    @Test
    void write_keepsTheModeTheOwnerGaveTheFile() throws Exception {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "POSIX permissions");
        Path path = temp.resolve("demo-data.properties");
        Files.writeString(path, "visits=1\n");
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-r-----"));

        DataFile.open(path).countVisit();

        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(path)));
    }

    @Test
    void write_intoAFolderThatCannotExist_failsAndCountsInMemory() throws Exception {
        Files.writeString(temp.resolve("file"), "");
        DataFile data = DataFile.open(temp.resolve("file/demo-data.properties"));

        assertThrows(IOException.class, data::countVisit);

        assertEquals(1, data.visits());
    }

    @Test
    void open_visitsThatAreNotANumber_failsNamingTheLineToFix() throws Exception {
        Path path = temp.resolve("demo-data.properties");
        Files.writeString(path, "visits=many\n");

        StartupFailure failure = assertThrows(StartupFailure.class, () -> DataFile.open(path));

        assertEquals("the data file " + path.toAbsolutePath() + " says visits=many, which is not a whole number"
                + " of at least 0; fix that line, or delete the file to count from 0", failure.getMessage());
    }

    @Test
    void open_negativeVisits_fails() throws Exception {
        Path path = temp.resolve("demo-data.properties");
        Files.writeString(path, "visits=-3\n");

        StartupFailure failure = assertThrows(StartupFailure.class, () -> DataFile.open(path));

        assertEquals("the data file " + path.toAbsolutePath() + " says visits=-3, which is not a whole number"
                + " of at least 0; fix that line, or delete the file to count from 0", failure.getMessage());
    }

    @Test
    void open_anUpdateTimeThatIsNotAnInstant_failsNamingTheLineToFix() throws Exception {
        Path path = temp.resolve("demo-data.properties");
        Files.writeString(path, "updated-at=yesterday\n");

        StartupFailure failure = assertThrows(StartupFailure.class, () -> DataFile.open(path));

        assertEquals("the data file " + path.toAbsolutePath() + " says updated-at=yesterday, which is not an"
                + " instant such as 2026-02-07T12:00:00Z; fix or remove that line", failure.getMessage());
    }

    @Test
    void open_aFolder_fails() {
        StartupFailure failure = assertThrows(StartupFailure.class, () -> DataFile.open(temp));

        assertEquals("the data file " + temp.toAbsolutePath() + " is a folder; give a file path with --data",
                failure.getMessage());
    }

    private static Map<String, String> read(Path path) throws IOException {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(path, UTF_8)) {
            properties.load(in);
        }
        Map<String, String> values = new TreeMap<>();
        properties.stringPropertyNames().forEach(name -> values.put(name, properties.getProperty(name)));
        return values;
    }
}
