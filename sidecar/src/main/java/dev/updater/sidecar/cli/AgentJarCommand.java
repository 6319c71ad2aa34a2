package dev.updater.sidecar.cli;

import dev.updater.core.text.HumanUnits;
import dev.updater.core.Sha256;
import dev.updater.core.home.AtomicFiles;
import dev.updater.sidecar.ExitCode;
import dev.updater.sidecar.cli.ExitCodes.Code;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Callable;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;

/**
 * {@code updater-sidecar agent-jar --out PATH}: writes the agent jar this sidecar carries, so one
 * download brings both. The embedded bytes are {@code agent/target/updater.jar} of the same build,
 * unchanged (the sidecar's pom copies it in; a test compares the SHA-256).
 */
@Command(
        name = "agent-jar",
        sortOptions = false,
        description = {
                "Writes the agent jar (updater.jar) carried inside this sidecar jar, byte for byte, to PATH,"
                        + " replacing it atomically; a file that already holds the same bytes is left alone.",
                "Then add -javaagent:PATH=manifest=URL,key=ed25519:...,home=DIR to the service's JVM options"
                        + " (see docs/agent.md)."
        },
        footerHeading = "%nExamples:%n",
        footer = {
                "  updater-sidecar agent-jar --out /opt/updater/updater.jar",
                "  updater-sidecar agent-jar --out /opt/updater/        (writes /opt/updater/updater.jar)"
        })
@ExitCodes({
        @Code(value = ExitCode.OK, means = "the agent jar is at PATH"),
        @Code(value = ExitCode.FAILED, means = "it could not be written, or this build carries no agent jar"),
        @Code(ExitCode.USAGE)})
final class AgentJarCommand implements Callable<Integer> {
    /** Where the sidecar's build puts the agent jar (sidecar/pom.xml, execution embed-agent-jar). */
    static final String RESOURCE = "/dev/updater/sidecar/agent/updater.jar";
    static final String FILE_NAME = "updater.jar";

    @Spec
    CommandSpec spec;

    @Mixin
    HelpOption help;

    @Option(names = "--out", paramLabel = "PATH", required = true,
            description = "The file to write, or an existing directory to write updater.jar into. Its directory"
                    + " must exist. Example: --out /opt/updater/updater.jar")
    Path out;

    @Override
    public Integer call() {
        byte[] jar = embeddedJar();
        Sha256 sha256 = Sha256.ofBytes(jar);
        Path target = Files.isDirectory(out) ? out.resolve(FILE_NAME) : out;

        boolean unchanged = holds(target, sha256);
        if (!unchanged) {
            write(target, jar);
        }
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.printf("%s %s: updater agent %s, %s, sha256 %s%n", unchanged ? "Up to date" : "Wrote",
                target, versionOf(jar), HumanUnits.bytes(jar.length), sha256.hex());
        stdout.println("Next, add it to the service's JVM options:");
        stdout.println("  -javaagent:" + target.toAbsolutePath().normalize()
                + "=manifest=https://releases.example.com/app/manifest.json,key=ed25519:...,home=/var/lib/app/updates");
        stdout.flush();
        return ExitCode.OK.code();
    }

    private static byte[] embeddedJar() {
        try (InputStream in = AgentJarCommand.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new CommandFailedException("This updater-sidecar build carries no agent jar (" + RESOURCE
                        + " is missing: the agent module was not packaged before it). Build both with './mvnw package'"
                        + " from the project root, or download updater.jar from the release.");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new CommandFailedException("Could not read the agent jar inside updater-sidecar.jar: " + e
                    + ". The sidecar jar may be damaged; download it again.", e);
        }
    }

    /** A regular file (not a symlink, which might point anywhere) that already holds these bytes. */
    private static boolean holds(Path target, Sha256 sha256) {
        try {
            return Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS) && Sha256.ofFile(target).equals(sha256);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Temp file beside the target, fsync, rename: a JVM running the old agent keeps reading the old
     * inode, and a crash leaves the old jar or the new one, never a torn jar (SIGBUS in the host).
     */
    private static void write(Path target, byte[] jar) {
        Path dir = target.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new CommandFailedException("Cannot write " + target + ": the directory " + dir
                    + " does not exist; create it first (for example: mkdir -p " + dir + ").");
        }
        Path temp = null;
        try {
            temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
            try (OutputStream stream = Files.newOutputStream(temp, StandardOpenOption.TRUNCATE_EXISTING)) {
                stream.write(jar);
            }
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                // Readable by the service's user, which is often not the user installing it.
                Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-r--r--"));
            }
            AtomicFiles.fsync(temp);
            AtomicFiles.moveAtomically(temp, target);
            temp = null;
        } catch (IOException e) {
            throw new CommandFailedException("Could not write the agent jar to " + target + ": " + e
                    + "; check that the directory is writable and has free space.", e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // a leftover dot-temp file is harmless; the failure being reported matters more
                }
            }
        }
    }

    private static String versionOf(byte[] jar) {
        try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(jar))) {
            Manifest manifest = in.getManifest();
            String version = manifest == null ? null : manifest.getMainAttributes().getValue("Implementation-Version");
            return version == null ? "(version unknown)" : version;
        } catch (IOException e) {
            return "(version unknown)";
        }
    }
}
