package dev.updater.sidecar.cli;

import dev.updater.core.testing.ChildProcess;
import dev.updater.core.testing.OtherUser;
import dev.updater.sidecar.testhost.SidecarJar;
import dev.updater.sidecar.testhost.Staging;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The built sidecar run as another user ({@code nobody}, through {@code setpriv}) than the home's
 * owner: not only root is held to the home's owner, any user is.
 */
class OtherOwnerIT {
    private static final Duration EXIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private Path home;
    private Path target;

    @BeforeEach
    void rootsHome() throws Exception {
        OtherUser.assumeCanRunAs();
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x")); // nobody may pass through
        home = Staging.newHome(dir.resolve("home"));
        Files.createFile(home.resolve("host.lock")); // a home an agent started in: a folder with no home file is no home
        target = Files.writeString(dir.resolve("app.jar"), "1.0.0");
    }

    private static ChildProcess asNobody(String... args) {
        return ChildProcess.start(OtherUser.command(SidecarJar.command(List.of(), List.of(args))));
    }

    @Test
    void aUserWhoDoesNotOwnTheHome_isRefusedByEveryCommand_andWritesNothingIntoIt() throws Exception {
        String refusal = "The update home " + home + " belongs to root (uid 0), not to nobody (uid 65534), who runs"
                + " this command: its records and staged files are that user's word, and acting on them with your"
                + " rights would let that user choose what is read, written and installed. Run the command as root"
                + " (sudo -u root updater-sidecar ...), or pass --allow-other-owner if you mean to act on it.";

        try (ChildProcess status = asNobody("status", "--home", home.toString());
             ChildProcess run = asNobody("run", "--home", home.toString(), "--target", target.toString(), "--", "java",
                     "-jar", target.toString())) {
            assertEquals(1, status.awaitExit(EXIT), status.toString());
            assertEquals(List.of(refusal), status.output());
            assertEquals(1, run.awaitExit(EXIT), run.toString());
            assertEquals(List.of(refusal), run.output());
        }
        try (Stream<Path> files = Files.list(home)) {
            assertEquals(List.of(home.resolve("host.lock")), files.toList(), "nothing was written into the home");
        }
    }

    @Test
    void theHomesOwner_isServed_evenWhenItIsNotRoot() throws Exception {
        OtherUser.giveTree(home);

        try (ChildProcess status = asNobody("status", "--home", home.toString())) {
            assertEquals(0, status.awaitExit(EXIT), status.toString());
        }
    }
}
