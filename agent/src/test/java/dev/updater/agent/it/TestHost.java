package dev.updater.agent.it;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;

/**
 * The application under test: knows nothing of updater. Prints that it started, listens on a
 * loopback port when asked ({@code listen}), runs a shutdown hook that says so, and exits when a
 * line {@code exit} arrives on stdin (or stdin closes), or at once with {@code exit-now} (a CLI tool). Like any operator's JMX console, it can read
 * the agent's MBean ({@code jmx}) and call its {@code checkNow} operation ({@code check-now}).
 */
public final class TestHost {
    private TestHost() {
    }

    public static void main(String[] args) throws Exception {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("host shutdown hook ran")));
        ServerSocket socket = null;
        if (args.length > 0 && args[0].equals("listen")) {
            socket = new ServerSocket();
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        }
        System.out.println("host started " + TestHost.class.getPackage().getImplementationVersion());
        System.out.flush();
        if (args.length > 0 && args[0].equals("exit-now")) {
            return;
        }
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.equals("exit")) {
                break;
            }
            if (line.equals("jmx") || line.equals("check-now")) {
                try {
                    jmx(line);
                } catch (javax.management.JMException e) {
                    System.out.println("jmx not ready: " + e);
                }
            }
        }
        if (socket != null) {
            socket.close();
        }
        System.out.println("host exiting");
    }

    private static void jmx(String line) throws javax.management.JMException {
        javax.management.MBeanServer server = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        javax.management.ObjectName name = new javax.management.ObjectName("dev.updater:type=UpdaterAgent");
        if (line.equals("check-now")) {
            server.invoke(name, "checkNow", new Object[0], new String[0]);
            System.out.println("jmx checkNow invoked");
        } else {
            System.out.println("jmx RunningVersion=" + server.getAttribute(name, "RunningVersion")
                    + " StagedVersion=" + server.getAttribute(name, "StagedVersion")
                    + " LatestSeenVersion=" + server.getAttribute(name, "LatestSeenVersion"));
        }
        System.out.flush();
    }
}
