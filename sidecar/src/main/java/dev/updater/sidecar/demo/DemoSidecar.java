package dev.updater.sidecar.demo;

import dev.updater.core.UpdaterException;
import dev.updater.core.home.UpdateHome;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One copy of the walkthrough's service: demo-app 1.0.0 with the agent, in a folder of its own (jar,
 * agent jar, update home, data file), on a port of its own, under {@code updater-sidecar run} with the
 * given flags, whose output goes to {@code <name>-sidecar.log}.
 */
final class DemoSidecar {
    final String name;
    final UpdateHome home;
    final URI app;
    final Path target;
    final Path log;
    private final Process process;

    private DemoSidecar(String name, UpdateHome home, URI app, Path target, Path log, Process process) {
        this.name = name;
        this.home = home;
        this.app = app;
        this.target = target;
        this.log = log;
        this.process = process;
    }

    /** Installs 1.0.0 into {@code work/name} and starts it under {@code run --apply immediate runFlags…}. */
    static DemoSidecar start(Path work, String name, URI manifest, String keyLine, List<String> runFlags)
            throws IOException, UpdaterException {
        Path appDir = Files.createDirectories(work.resolve(name));
        Path target = appDir.resolve("demo-app.jar");
        Demo.extract(String.format(Demo.DEMO_RESOURCE, "1.0.0"), target);
        Path agentJar = appDir.resolve("updater.jar");
        Demo.extract(Demo.AGENT_RESOURCE, agentJar);
        UpdateHome home = new UpdateHome(appDir.resolve(".updater"));
        int port = freePort();
        URI app = URI.create("http://127.0.0.1:" + port + "/");
        List<String> command = new ArrayList<>(SidecarLauncher.command());
        command.addAll(List.of("run", "--home", home.dir().toString(), "--apply", "immediate",
                "--health-url", app.resolve("health").toString(), "--health-timeout", "20s", "--min-uptime", "2s",
                "--stop-timeout", "10s"));
        command.addAll(runFlags);
        command.addAll(List.of("--", SidecarLauncher.java(), "-javaagent:" + agentJar + "=manifest=" + manifest
                        + ",key=" + keyLine + ",home=" + home.dir() + ",interval=1s,initial-delay=1s",
                "-jar", target.toString(), "--port", String.valueOf(port),
                "--data", appDir.resolve("demo-data.properties").toString()));
        Path log = work.resolve(name + "-sidecar.log");
        Process process = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        return new DemoSidecar(name, home, app, target, log, process);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    int exitValue() {
        return process.exitValue();
    }

    /** SIGTERM: the sidecar forwards it to the service and waits for it; killed after 20 s. */
    void stop() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
