package dev.updater.sidecar.overlap;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * Test only: a host that listens on 127.0.0.1:PORT (with {@code SO_REUSEPORT} unless told
 * {@code plain}) and writes its NAME to every connection. Arguments: {@code NAME PORT [plain]}.
 */
public final class NameServer {
    public static void main(String[] args) throws Exception {
        ServerSocketChannel server = ServerSocketChannel.open();
        if (args.length < 3 || !"plain".equals(args[2])) {
            server.setOption(StandardSocketOptions.SO_REUSEPORT, true);
        }
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(args[1])), 50);
        System.out.println(args[0] + " listening");
        System.out.flush();
        while (true) {
            try (SocketChannel client = server.accept()) {
                client.write(ByteBuffer.wrap((args[0] + "\n").getBytes(StandardCharsets.US_ASCII)));
            }
        }
    }
}
