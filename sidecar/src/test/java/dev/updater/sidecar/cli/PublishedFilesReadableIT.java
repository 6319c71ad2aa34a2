package dev.updater.sidecar.cli;

import dev.updater.sidecar.testhost.OtherUser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A channel exists to be served, often by a web server running as another user: {@code publish}
 * and {@code publish --resign}, run as the operator would under the strictest umask, leave every
 * channel file readable by uid 65534, and the private key readable by its owner alone.
 */
class PublishedFilesReadableIT {
    private static final Path JAR = Path.of("target", "updater-sidecar.jar");

    @TempDir
    Path temp;

    @Test
    void underUmask077_publishAndResign_leaveEveryChannelFileReadableByAnotherUser_andTheKeyPrivate()
            throws Exception {
        assumeTrue(Files.isRegularFile(JAR), "run after 'package': " + JAR.toAbsolutePath());
        OtherUser.assumeAvailable();
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
                channel.resolve("manifest.json.sig")), files);
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
        assertEquals(List.of(), OtherUser.unreadable(files(channel)), "still readable after a re-sign");
    }

    /** Runs {@code java -jar updater-sidecar.jar ARGS} with umask 077, as a careful operator's shell has it. */
    private static void runUnderUmask077(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("sh", "-c", "umask 077 && exec \"$0\" -jar \"$@\"",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), JAR.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), String.join(" ", args));
        assertEquals(0, process.exitValue(), String.join(" ", args) + "\n" + output);
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
