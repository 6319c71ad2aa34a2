package dev.updater.sidecar.supervise;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The host command of {@code run} in the {@code APP/current.json} layout: moved to the folder the record names. */
class ReleaseCommandTest {
    @TempDir
    Path dir;

    Path app;
    Path target;
    List<String> log = new ArrayList<>();

    @BeforeEach
    void currentJsonLayout() throws Exception {
        app = Files.createDirectories(dir.resolve("app"));
        Files.createDirectories(app.resolve("releases/1.0.0/lib"));
        Files.createDirectories(app.resolve("releases/1.1.0/lib"));
        Files.writeString(app.resolve("current.json"), "{\"folder\": \"releases/1.0.0\"}");
        target = app.resolve("current/lib/app.jar");
    }

    @Test
    void eachArgumentUnderCurrent_isMovedToTheFolderTheRecordNames_atEveryStart_andTheFolderIsLoggedOncePerChange()
            throws Exception {
        ReleaseCommand command = ReleaseCommand.of(List.of("java", "-Dapp.home=" + app.resolve("current"), "-jar",
                target.toString(), "--config", app.resolve("current/config/../config/app.properties").toString(),
                "--data", app.resolve("data").toString(), "--port", "8080", app.resolve("current").toString(),
                app.resolve("currently/x").toString()), target, log::add);

        assertEquals(List.of("java", "-Dapp.home=" + app.resolve("current"), "-jar",
                app.resolve("releases/1.0.0/lib/app.jar").toString(), "--config",
                app.resolve("releases/1.0.0/config/app.properties").toString(), "--data", app.resolve("data").toString(),
                "--port", "8080", app.resolve("releases/1.0.0").toString(), app.resolve("currently/x").toString()),
                command.forStart(), "options and paths outside APP/current are left as they are");
        command.forStart();
        Files.writeString(app.resolve("current.json"), "{\"folder\": \"releases/1.1.0\"}"); // an install, a rollback

        assertEquals(app.resolve("releases/1.1.0/lib/app.jar").toString(), command.forStart().get(3));
        assertEquals(List.of(
                "starting the host from " + app.resolve("releases/1.0.0") + ", the folder " + app.resolve("current.json")
                        + " names (" + app.resolve("current") + "/... in the command is run from there)",
                "starting the host from " + app.resolve("releases/1.1.0") + ", the folder " + app.resolve("current.json")
                        + " names (" + app.resolve("current") + "/... in the command is run from there)"), log);
    }

    /** A swap that could make no link turned the layout into current.json while run was running. */
    @Test
    void theLayout_isDecidedAtEachStart() throws Exception {
        Files.delete(app.resolve("current.json"));
        Files.createSymbolicLink(app.resolve("current"), Path.of("releases/1.0.0"));
        List<String> given = List.of("java", "-jar", target.toString());
        ReleaseCommand command = ReleaseCommand.of(given, target, log::add);
        assertEquals(given, command.forStart());

        Files.writeString(app.resolve("current.json"), "{\"folder\": \"releases/1.1.0\"}");
        Files.delete(app.resolve("current"));

        assertEquals(List.of("java", "-jar", app.resolve("releases/1.1.0/lib/app.jar").toString()), command.forStart());
    }

    @Test
    void aRelativePathUnderCurrent_isMovedToo() throws Exception {
        Path relative = Path.of("").toAbsolutePath().relativize(target);

        List<String> started = ReleaseCommand.of(List.of(relative.toString()), relative, log::add).forStart();

        assertEquals(List.of(app.resolve("releases/1.0.0/lib/app.jar").toString()), started);
    }

    @Test
    void aRecordNamingNoReleaseFolder_startsNothing_andSaysWhatToWrite() throws Exception {
        Files.writeString(app.resolve("current.json"), "{\"folder\": \"../../bin\"}");
        ReleaseCommand command = ReleaseCommand.of(List.of("java", "-jar", target.toString()), target, log::add);

        UpdaterException e = assertThrows(UpdaterException.class, command::forStart);

        assertEquals(ErrorCode.HOST_START_FAILED, e.code());
        assertEquals("Could not start the host: " + app.resolve("current.json") + " names no release folder"
                + " releases/<version>; write {\"folder\": \"releases/<version>\"} naming the folder to run (see"
                + " docs/archives.md).", e.getMessage());
        assertEquals(List.of(), log);
    }

    @Test
    void theLinkLayout_andASingleFile_startTheCommandAsGiven() throws Exception {
        List<String> given = List.of("java", "-jar", target.toString());
        Files.createSymbolicLink(app.resolve("current"), Path.of("releases/1.0.0"));

        assertEquals(given, ReleaseCommand.of(given, target, log::add).forStart());
        assertEquals(given, ReleaseCommand.of(given, dir.resolve("app.jar"), log::add).forStart());
        assertEquals(given, ReleaseCommand.of(given, null, log::add).forStart());
        assertEquals(List.of(), log);
    }
}
