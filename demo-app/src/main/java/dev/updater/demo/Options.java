package dev.updater.demo;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The command line: {@code [--port PORT] [--bind ADDR] [--data FILE]}, each also as
 * {@code --port=PORT}. {@code --help} and {@code --version} are handled before parsing.
 *
 * @param bind     the address to listen on
 * @param port     the TCP port, 0 for any free one
 * @param dataFile the visit counter and version history, as given (relative to the working folder)
 */
record Options(InetAddress bind, int port, Path dataFile) {
    static final int DEFAULT_PORT = 8080;
    static final String DEFAULT_BIND = "127.0.0.1";
    static final String DEFAULT_DATA = "demo-data.properties";

    static final String SYNOPSIS = "Usage: java -jar demo-app.jar [--port PORT] [--bind ADDR] [--data FILE]";
    static final String HELP_HINT = "Run 'java -jar demo-app.jar --help' for the options.";
    static final String HELP = SYNOPSIS + """


            A small HTTP service for the updater's walkthrough. It answers
              GET /         a status page: version, uptime, the version it was updated from, visits
              GET /health   200 once it serves
              GET /version  its version, as plain text

              --port PORT   TCP port to listen on; 0 picks a free one (the printed URL tells which).
                            Default: 8080. Example: --port 9090
              --bind ADDR   IP address to listen on; 0.0.0.0 for every interface.
                            Default: 127.0.0.1. Example: --bind 0.0.0.0
              --data FILE   The data file: visit counter and the last version that ran; kept across
                            restarts and updates. Default: ./demo-data.properties.
                            Example: --data /var/lib/demo/data.properties
              --help        Print this help and exit.
              --version     Print the version and exit.

            Exit status: 0 after --help or --version, 1 when it cannot start, 2 on a wrong option,
            143 after SIGTERM (it stops serving and saves the counter first).
            """;

    Options {
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(dataFile, "dataFile");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    static Options parse(List<String> args) throws UsageError {
        String port = null;
        String bind = null;
        String data = null;
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--")) {
                throw new UsageError("unexpected argument '" + arg + "'");
            }
            int equals = arg.indexOf('=');
            String name = equals < 0 ? arg : arg.substring(0, equals);
            if (!name.equals("--port") && !name.equals("--bind") && !name.equals("--data")) {
                throw new UsageError("unknown option '" + name + "'");
            }
            if (!seen.add(name)) {
                throw new UsageError(name + " is given twice");
            }
            String value;
            if (equals >= 0) {
                value = arg.substring(equals + 1);
            } else if (i + 1 < args.size()) {
                value = args.get(++i);
            } else {
                throw new UsageError(name + " needs a value");
            }
            switch (name) {
                case "--port" -> port = value;
                case "--bind" -> bind = value;
                default -> data = value;
            }
        }
        return new Options(
                parseBind(bind == null ? DEFAULT_BIND : bind),
                port == null ? DEFAULT_PORT : parsePort(port),
                parseData(data == null ? DEFAULT_DATA : data));
    }

    private static int parsePort(String value) throws UsageError {
        if (value.matches("\\d{1,5}")) {
            int port = Integer.parseInt(value);
            if (port <= 65_535) {
                return port;
            }
        }
        throw new UsageError("--port needs a number from 0 to 65535, not '" + value + "'");
    }

    private static InetAddress parseBind(String value) throws UsageError {
        // getByName("") would quietly mean loopback.
        if (!value.isBlank()) {
            try {
                return InetAddress.getByName(value);
            } catch (UnknownHostException e) {
                // fall through to the usage error
            }
        }
        throw new UsageError("--bind needs an IP address, such as 127.0.0.1 or 0.0.0.0, not '" + value + "'");
    }

    private static Path parseData(String value) throws UsageError {
        if (!value.isBlank()) {
            try {
                return Path.of(value);
            } catch (InvalidPathException e) {
                // fall through to the usage error
            }
        }
        throw new UsageError("--data needs a file path, such as ./demo-data.properties, not '" + value + "'");
    }
}
