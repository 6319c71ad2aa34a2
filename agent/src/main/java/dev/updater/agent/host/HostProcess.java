package dev.updater.agent.host;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Facts about the JVM the agent runs in. The command line comes from {@code /proc/self/cmdline}
 * where it exists, because {@code ProcessHandle.Info} cuts long command lines at 4,096 characters.
 */
public record HostProcess(long pid, Instant startedAt, List<String> commandLine, String javaCommand) {

    public static HostProcess current() {
        ProcessHandle self = ProcessHandle.current();
        ProcessHandle.Info info = self.info();
        Instant started = info.startInstant().orElseGet(Instant::now);
        return new HostProcess(self.pid(), started, commandLine(info),
                System.getProperty("sun.java.command", ""));
    }

    private static List<String> commandLine(ProcessHandle.Info info) {
        Path proc = Path.of("/proc/self/cmdline");
        if (Files.isReadable(proc)) {
            try {
                String raw = new String(Files.readAllBytes(proc), StandardCharsets.UTF_8);
                List<String> args = new ArrayList<>();
                for (String arg : raw.split("\0")) {
                    args.add(arg);
                }
                return args;
            } catch (IOException e) {
                // fall back to what the JVM exposes
            }
        }
        List<String> args = new ArrayList<>();
        info.command().ifPresent(args::add);
        info.arguments().ifPresent(a -> args.addAll(List.of(a)));
        return args;
    }

    /** The {@code -jar} path when the host was started with one. */
    public Optional<Path> jarPath() {
        String command = javaCommand.strip();
        if (command.isEmpty()) {
            return Optional.empty();
        }
        // sun.java.command is "<jar path or main class> <args…>"; a jar path may contain spaces,
        // so take the longest prefix ending in ".jar" that names an existing file.
        int end = command.length();
        while (end > 0) {
            String candidate = command.substring(0, end);
            if (candidate.toLowerCase(java.util.Locale.ROOT).endsWith(".jar") && Files.isRegularFile(Path.of(candidate))) {
                return Optional.of(Path.of(candidate).toAbsolutePath().normalize());
            }
            end = command.lastIndexOf(' ', end - 1);
        }
        return Optional.empty();
    }
}
