package dev.updater.sidecar.overlap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The source ports the sidecar's probe client connects from ({@code --probe-ports 61000-61099}):
 * the steering program sends connections from these to the new host alone. They must lie outside
 * {@code net.ipv4.ip_local_port_range}, or an ordinary client that happened to get one of them as its
 * ephemeral port would be sent to a new host that has not passed its gate.
 *
 * @param first the lowest port
 * @param last the highest port, at least {@code first}
 */
public record ProbePorts(int first, int last) {
    public static final ProbePorts DEFAULT = new ProbePorts(61000, 61099);
    private static final Path EPHEMERAL = Path.of("/proc/sys/net/ipv4/ip_local_port_range");

    public ProbePorts {
        if (first < 1024 || last > 65535 || first > last) {
            throw new IllegalArgumentException("probe ports " + first + "-" + last + " are not a range of"
                    + " unprivileged ports; write them as 61000-61099");
        }
    }

    /** {@code 61000-61099}. */
    public static ProbePorts parse(String text) {
        String[] parts = text.trim().split("-", -1);
        try {
            if (parts.length == 2) {
                return new ProbePorts(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException("'" + text + "' is not a port range; write it as 61000-61099");
    }

    /** Why these ports cannot be used on this machine (they overlap the ephemeral range), or empty. */
    public Optional<String> clashWithEphemeralPorts() {
        try {
            // readAllLines, not readString: procfs files report size 0, and readString then reads one byte
            String[] range = Files.readAllLines(EPHEMERAL).get(0).trim().split("\\s+");
            int low = Integer.parseInt(range[0]);
            int high = Integer.parseInt(range[1]);
            return last < low || first > high ? Optional.empty() : Optional.of("the probe ports " + this
                    + " overlap net.ipv4.ip_local_port_range " + low + "-" + high + ", so ordinary clients could be"
                    + " sent to an unchecked host; pick others with --probe-ports");
        } catch (IOException | RuntimeException e) {
            return Optional.of("net.ipv4.ip_local_port_range cannot be read (" + e.getMessage() + "), so the probe"
                    + " ports cannot be shown to be reserved");
        }
    }

    int size() {
        return last - first + 1;
    }

    @Override
    public String toString() {
        return first + "-" + last;
    }
}
