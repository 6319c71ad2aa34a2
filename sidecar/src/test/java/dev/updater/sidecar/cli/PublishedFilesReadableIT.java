package dev.updater.sidecar.cli;

import dev.updater.core.testing.ChildProcess;
import dev.updater.core.testing.OtherUser;
import dev.updater.sidecar.testhost.SidecarJar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A channel exists to be served, often by a web server running as another user: {@code publish}
 * and {@code publish --resign}, run as the operator would under the strictest umask, leave every
 * channel file readable by uid 65534, and the private key readable by its owner alone.
 */
class PublishedFilesReadableIT {
    @TempDir
    Path temp;

    @Test
    void underUmask077_publishAndResign_leaveEveryChannelFileReadableByAnotherUser_andTheKeyPrivate()
            throws Exception {
        SidecarJar.assumeBuilt();
        OtherUser.assumeCanRunAs();
        OtherUser.openToOthers(temp);
        Path keys = temp.resolve("keys");
        Path channel = temp.resolve("srv/channel");
        Path jar = Files.writeString(temp.resolve("app.jar"), "the 1.0.0 bytes", StandardCharsets.UTF_8);
        runUnderUmask077("keygen", "--out", keys.toString());

        runUnderUmask077("publish", "--version", "1.0.0", "--artifact", "any=" + jar,
                "--key", keys.resolve("updater.key").toString(), "--out", channel.toString());

        assertEquals(List.of("srv", "srv/channel", "srv/channel/1.0.0", "srv/channel/1.0.0/any"), folders(temp.resolve("srv")));
        for (Path folder : List.of(temp.resolve("srv"), channel, channel.resolve("1.0.0"), channel.resolve("1.0.0/any"))) {
            assertEquals("rwxr-xr-x", mode(folder), folder.toString());
        }
        List<Path> files = files(channel);
        assertEquals(List.of(channel.resolve("1.0.0/any/app.jar"), channel.resolve("manifest.json"),
                channel.resolve("manifest.json.sig"), channel.resolve("manifest.signed")), files);
        for (Path file : files) {
            assertEquals("rw-r--r--", mode(file), file.toString());
        }
        assertEquals("rw-------", mode(keys.resolve("updater.key")));
        assertEquals(List.of(), OtherUser.unreadable(files), "uid 65534 reads every channel file");
        assertEquals(List.of(keys.resolve("updater.key")), OtherUser.unreadable(List.of(keys.resolve("updater.key"))),
                "and not the private key: the check itself can fail");

        runUnderUmask077("publish", "--resign", "--key", keys.resolve("updater.key").toString(),
                "--out", channel.toString());

        assertEquals("rw-r--r--", mode(channel.resolve("manifest.json")));
        assertEquals("rw-r--r--", mode(channel.resolve("manifest.json.sig")));
        assertEquals("rw-r--r--", mode(channel.resolve("manifest.signed")));
        assertEquals(List.of(), OtherUser.unreadable(files(channel)), "still readable after a re-sign");
    }

    /** Runs {@code java -jar updater-sidecar.jar ARGS} with umask 077, as a careful operator's shell has it. */
    private static void runUnderUmask077(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("sh", "-c", "umask 077 && exec \"$@\"", "sh"));
        command.addAll(SidecarJar.command(List.of(), List.of(args)));
        ChildProcess.Finished run = ChildProcess.run(command, Duration.ofSeconds(60));
        assertEquals(0, run.exitCode(), run.toString());
    }

    private static List<Path> files(Path dir) throws Exception {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).sorted().toList();
        }
    }

    private static List<String> folders(Path dir) throws Exception {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isDirectory).map(p -> dir.getParent().relativize(p).toString()).sorted().toList();
        }
    }

    private static String mode(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
