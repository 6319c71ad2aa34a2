package dev.updater.core.home;

import dev.updater.core.ErrorCode;
import dev.updater.core.Sha256;
import dev.updater.core.UpdaterException;
import dev.updater.core.version.ReleaseVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class HomeRecordFileTest {
    private static final String SHA = "ab".repeat(32);
    private static final Instant AT = Instant.parse("2026-02-07T12:00:00Z");

    @TempDir
    Path dir;

    private UpdateHome home() {
        return new UpdateHome(dir);
    }

    @Test
    void everyRecord_hasItsFileInTheHome() {
        UpdateHome home = home();
        assertEquals(List.of(dir.resolve("agent.json"), dir.resolve("staged.json"), dir.resolve("installed.json"),
                        dir.resolve("accepted.json"), dir.resolve("channel.json"), dir.resolve("history.jsonl"),
                        dir.resolve("requests/apply.json"), dir.resolve("requests/rollback.json"),
                        dir.resolve("requests/exit.json")),
                List.of(home.agentRecord().path(), home.stagedRecord().path(), home.installedRecord().path(),
                        home.acceptedRecord().path(), home.channelRecord().path(), home.history().path(),
                        home.applyRequest().path(), home.rollbackRequest().path(), home.exitRequest().path()));
        assertEquals(dir.resolve("staged.json").toString(), home.stagedRecord().toString(), "messages name the file");
    }

    @Test
    void hashesAndVersions_areJsonStringsOnTheWire_andValuesOnceRead() throws Exception {
        UpdateHome home = home();
        home.installedRecord().write(new InstalledRelease(ReleaseVersion.parse("1.3.0"), new Sha256(SHA.toUpperCase()),
                "/opt/app/app.jar", ReleaseVersion.parse("1.2.0"), AT));

        assertEquals("{\n  \"version\" : \"1.3.0\",\n  \"sha256\" : \"" + SHA + "\",\n  \"target\" : \"/opt/app/app.jar\",\n"
                + "  \"previousVersion\" : \"1.2.0\",\n  \"installedAt\" : \"2026-02-07T12:00:00Z\"\n}\n",
                Files.readString(home.installedRecord().path()));
        InstalledRelease read = home.installedRecord().read().orElseThrow();
        assertEquals(ReleaseVersion.parse("1.3.0"), read.version());
        assertEquals(new Sha256(SHA), read.sha256());
    }

    @Test
    void aRecordWrittenByAnOlderUpdater_readsAsBefore() throws Exception {
        Files.writeString(dir.resolve("accepted.json"), "{\n  \"version\" : \"1.2.0\",\n  \"artifacts\" : {\n"
                + "    \"any\" : \"" + SHA.toUpperCase() + "\"\n  },\n  \"acceptedAt\" : \"2025-01-01T00:00:00Z\"\n}\n");

        assertEquals(new AcceptedVersion(ReleaseVersion.parse("1.2.0"), Map.of("any", new Sha256(SHA)),
                Instant.parse("2025-01-01T00:00:00Z")), home().acceptedRecord().read().orElseThrow());
    }

    @Test
    void aHashThatIsNoHash_makesTheRecordMalformed_namingTheField() throws Exception {
        Path file = Files.writeString(dir.resolve("staged.json"), "{\"version\":\"1.3.0\",\"sha256\":\"abc\"}");

        UpdaterException e = assertThrows(UpdaterException.class, () -> home().stagedRecord().read());

        assertEquals(ErrorCode.RECORD_MALFORMED, e.code());
        assertEquals("Record " + file + " is not a valid StagedRelease (its sha256 \"abc\" is not a SHA-256 (64 hex"
                + " digits)); it was changed by hand or by another version. Move it away and let updater write it"
                + " again.", e.getMessage());
    }

    @Test
    void aVersionThatIsNoVersion_makesTheRecordMalformed_namingTheField_withItsControlsEscaped() throws Exception {
        Path file = Files.writeString(dir.resolve("agent.json"), "{\"pid\":7,\"runningVersion\":\"0.9.0\\u001b[2J\"}");

        UpdaterException e = assertThrows(UpdaterException.class, () -> home().agentRecord().read());

        assertEquals(ErrorCode.RECORD_MALFORMED, e.code());
        assertEquals("Record " + file + " is not a valid AgentRecord (its runningVersion \"0.9.0\\e[2J\" is not a"
                + " semantic version); it was changed by hand or by another version. Move it away and let updater"
                + " write it again.", e.getMessage());
    }

    @Test
    void aBadHashInsideAMap_namesItsPath() throws Exception {
        Files.writeString(dir.resolve("accepted.json"), "{\"version\":\"1.2.0\",\"artifacts\":{\"linux-x64\":\"zz\"}}");

        UpdaterException e = assertThrows(UpdaterException.class, () -> home().acceptedRecord().read());

        assertTrue(e.getMessage().contains("(its artifacts.linux-x64 \"zz\" is not a SHA-256 (64 hex digits))"),
                e.getMessage());
    }

    @Test
    void readQuietly_isEmpty_forAMalformedOrMissingRecord_andLeavesItAsItIs() throws Exception {
        Path file = Files.writeString(dir.resolve("installed.json"), "{\"version\":\"latest\"}");

        assertEquals(Optional.empty(), home().installedRecord().readQuietly());
        assertEquals("{\"version\":\"latest\"}", Files.readString(file));
        Files.delete(file);
        assertEquals(Optional.empty(), home().installedRecord().readQuietly());
    }

    @Test
    void readUnparsed_keepsTheBytesAsTheyWere_andParsesThemLater() throws Exception {
        UpdateHome home = home();
        assertEquals(Optional.empty(), home.agentRecord().readUnparsed());
        AgentRecord.writeEarly(home.agentRecord(), 7, AT, "/opt/app/app.jar", null, AT);
        HomeRecordFile.Unparsed<AgentRecord> before = home.agentRecord().readUnparsed().orElseThrow();
        AgentRecord.writeEarly(home.agentRecord(), 8, AT, "/opt/app/app.jar", null, AT);

        assertEquals(7, before.parse().pid());
        Files.writeString(home.agentRecord().path(), "{oops");
        assertEquals(ErrorCode.RECORD_MALFORMED, assertThrows(UpdaterException.class,
                () -> home.agentRecord().readUnparsed().orElseThrow().parse()).code());
    }

    @Test
    void writeEarly_writesAValidAgentRecord_byHand_evenForAwkwardPaths() throws Exception {
        UpdateHome home = home();
        String target = dir.resolve("my \"odd\" dir\\app\t.jar").toString();

        AgentRecord.writeEarly(home.agentRecord(), 4242, Instant.parse("2026-02-07T12:00:00.5Z"), target,
                new Sha256(SHA), AT);

        AgentRecord record = home.agentRecord().read().orElseThrow();
        assertEquals(4242, record.pid());
        assertEquals(Instant.parse("2026-02-07T12:00:00.5Z"), record.startedAt());
        assertEquals(target, record.target());
        assertEquals(new Sha256(SHA), record.targetSha256());
        assertNull(record.runningVersion(), "not known yet");
        assertFalse(record.ready());
        assertEquals(AT, record.updatedAt());
    }

    @Test
    void take_readsAndRemovesARequest_aMalformedOneIsRemovedToo() throws Exception {
        UpdateHome home = home();
        assertEquals(Optional.empty(), home.applyRequest().take());
        ApplyRequest apply = new ApplyRequest(ReleaseVersion.parse("1.1.0"), new Sha256(SHA), AT);
        home.applyRequest().write(apply);
        assertEquals("{\n  \"version\" : \"1.1.0\",\n  \"sha256\" : \"" + SHA + "\",\n"
                + "  \"requestedAt\" : \"2026-02-07T12:00:00Z\"\n}\n", Files.readString(home.applyRequest().path()));

        assertEquals(Optional.of(apply), home.applyRequest().take());
        assertFalse(home.applyRequest().exists());

        Files.writeString(home.rollbackRequest().path(), "{\"fromSha256\":\"not a hash\"}");
        assertEquals(Optional.empty(), home.rollbackRequest().take());
        assertFalse(home.rollbackRequest().exists(), "a malformed request cannot block every later one");
    }

    @Test
    void take_ofALinkPlantedAsARequest_removesTheLink_andNeverReadsOrTouchesWhereItPoints() throws Exception {
        UpdateHome home = home();
        Files.createDirectory(home.requests());
        Path victim = Files.writeString(dir.resolve("victim.json"), "{\"pid\":1,\"startedAt\":\"2026-02-07T12:00:00Z\"}");
        Files.createSymbolicLink(home.exitRequest().path(), victim);

        assertEquals(Optional.empty(), home.exitRequest().take(), "a link is no request, whatever it points to");

        assertFalse(Files.exists(home.exitRequest().path(), java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertEquals("{\"pid\":1,\"startedAt\":\"2026-02-07T12:00:00Z\"}", Files.readString(victim));
    }

    @Test
    void aRequest_createsAPrivateRequestsFolder() throws Exception {
        assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX modes only");
        UpdateHome home = home();

        home.exitRequest().write(new ExitRequest("bye", AT, 7, AT));

        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home.requests())));
        assertEquals(Optional.of(new ExitRequest("bye", AT, 7, AT)), home.exitRequest().read());
    }

    @Test
    void aRequest_isNotWrittenThroughALinkPlantedAsTheRequestsFolder() throws Exception {
        Path elsewhere = Files.createDirectory(dir.resolve("elsewhere"));
        Files.createDirectory(dir.resolve("home"));
        UpdateHome home = new UpdateHome(dir.resolve("home"));
        Files.createSymbolicLink(home.requests(), elsewhere);

        UpdaterException e = assertThrows(UpdaterException.class,
                () -> home.applyRequest().write(new ApplyRequest(ReleaseVersion.parse("1.1.0"), null, AT)));

        assertEquals(ErrorCode.HOME_INSECURE, e.code());
        assertEquals(home.requests() + " is a symbolic link; the update home's folders are plain directories."
                + " Remove it (rm " + home.requests() + ") and start again.", e.getMessage());
        try (var listing = Files.list(elsewhere)) {
            assertEquals(0, listing.count(), "nothing was written where the link points");
        }
    }

    @Test
    void exitRequest_isForAHostOnlyByItsPidAndItsStart() {
        ExitRequest request = new ExitRequest("1.1.0 is installed", AT, 1, Instant.parse("2026-02-07T12:00:00.120Z"));

        assertTrue(request.isFor(1, Instant.parse("2026-02-07T12:00:00.120Z")));
        assertFalse(request.isFor(1, AT), "the same pid with another start is the host before");
        assertFalse(request.isFor(2, Instant.parse("2026-02-07T12:00:00.120Z")));
        assertFalse(new ExitRequest(null, AT, 1, null).isFor(1, AT));
        assertEquals("pid 1 started at 2026-02-07T12:00:00.120Z", request.describeHost());
        assertEquals("no pid, no start time", new ExitRequest(null, null, 0, null).describeHost());
    }

    @Test
    void delete_removesTheRecord_andIsQuietWhenThereIsNone() throws Exception {
        UpdateHome home = home();
        home.stagedRecord().delete();
        Files.writeString(home.stagedRecord().path(), "{}");
        assertTrue(home.stagedRecord().exists());

        home.stagedRecord().delete();

        assertFalse(Files.exists(home.stagedRecord().path()));
    }
}
