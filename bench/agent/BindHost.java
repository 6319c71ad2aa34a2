import com.sun.net.httpserver.HttpServer;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * The bind hook benchmark's host: binds a JDK HttpServer on 127.0.0.1 at once, as a fast server
 * does, waits a moment for the agent to write its lines, and exits. Packed as bind-host.jar by
 * bind-hook.sh.
 */
public final class BindHost {
    public static void main(String[] args) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.start();
        Thread.sleep(Long.parseLong(args[0]));
        server.stop(0);
    }
}
