package dev.updater.sidecar.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ServeCommandTest {
    private static final String HELP_HINT = "Run 'updater-sidecar serve --help' for more information.";

    @TempDir
    Path temp;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine commandLine = UpdaterCommand.newCommandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    @Test
    void serve_aMissingDirectory_exits1WithOneSentence() {
        Path missing = temp.resolve("releases");

        int exit = run("serve", missing.toString(), "--port", "0");

        assertEquals(1, exit);
        assertEquals("Cannot serve " + missing + ": no such directory; pass the directory that 'publish --out' wrote."
                + System.lineSeparator(), err.toString());
        assertEquals("", out.toString());
    }

    @Test
    void serve_aFile_exits1WithOneSentence() throws Exception {
        Path file = Files.writeString(temp.resolve("manifest.json"), "{}");

        int exit = run("serve", file.toString(), "--port", "0");

        assertEquals(1, exit);
        assertEquals("Cannot serve " + file + ": it is a file, not a directory; pass the directory that holds "
                + "manifest.json." + System.lineSeparator(), err.toString());
    }

    @Test
    void serve_onAPortInUse_exits1NamingTheAddress() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int exit = run("serve", temp.toString(), "--port", Integer.toString(taken.getLocalPort()));

            assertEquals(1, exit);
            assertTrue(err.toString().startsWith("Cannot listen on 127.0.0.1:" + taken.getLocalPort() + " ("),
                    err.toString());
        }
    }

    @Test
    void serve_withAPortThatIsNotANumber_exits2WithPicocliMessageAndHelpHint() {
        int exit = run("serve", temp.toString(), "--port", "eighty");

        assertEquals(2, exit);
        assertTrue(err.toString().startsWith("Invalid value for option '--port': 'eighty' is not an int"),
                err.toString());
        assertTrue(err.toString().contains(HELP_HINT), err.toString());
    }

    @Test
    void serve_withAPortOutOfRange_exits2NamingTheRange() {
        int exit = run("serve", temp.toString(), "--port", "70000");

        assertEquals(2, exit);
        assertTrue(err.toString().startsWith("Invalid value for option '--port': 70000 is not a port (0 to 65535)"),
                err.toString());
        assertTrue(err.toString().contains(HELP_HINT), err.toString());
    }

    @Test
    void serve_withAnUnknownOption_exits2() {
        int exit = run("serve", temp.toString(), "--root", "x");

        assertEquals(2, exit);
        assertTrue(err.toString().startsWith("Unknown options: '--root', 'x'"), err.toString());
        assertTrue(err.toString().contains(HELP_HINT), err.toString());
    }

    @Test
    void serve_withoutADirectory_exits2() {
        int exit = run("serve");

        assertEquals(2, exit);
        assertTrue(err.toString().startsWith("Missing required parameter: 'DIR'"), err.toString());
        assertTrue(err.toString().contains(HELP_HINT), err.toString());
    }

    @Test
    void help_showsEveryOptionWithItsLabelDefaultAndExample() {
        int exit = run("serve", "--help");

        assertEquals(0, exit);
        String help = out.toString().replaceAll("\\s+", " ");
        assertTrue(help.startsWith("Usage: updater-sidecar serve "), help);
        assertTrue(help.contains("[--bind=ADDR] [--port=PORT] DIR"), help);
        assertTrue(help.contains("--bind=ADDR") && help.contains("Default: 127.0.0.1. Example: --bind 0.0.0.0"), help);
        assertTrue(help.contains("--port=PORT") && help.contains("Default: 8080. Example: --port 9000"), help);
        assertTrue(help.contains("DIR The release directory to serve") && help.contains("Example: ./releases"), help);
        assertTrue(help.contains("updater-sidecar serve ./releases --port 0"), help);
    }

    @Test
    void topLevelHelp_listsServe() {
        run("--help");

        assertTrue(out.toString().contains("serve"), out.toString());
    }
}
