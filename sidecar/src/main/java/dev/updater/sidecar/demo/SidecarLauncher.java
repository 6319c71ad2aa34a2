package dev.updater.sidecar.demo;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** How to start this very sidecar again as a child process: its jar, or its class path in tests. */
final class SidecarLauncher {
    private SidecarLauncher() {
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static List<String> command() {
        Path location;
        try {
            location = Path.of(SidecarLauncher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            location = null;
        }
        if (location != null && Files.isRegularFile(location) && location.toString().endsWith(".jar")) {
            return List.of(java(), "-jar", location.toString());
        }
        return List.of(java(), "-cp", System.getProperty("java.class.path"), "dev.updater.sidecar.cli.Main");
    }
}
