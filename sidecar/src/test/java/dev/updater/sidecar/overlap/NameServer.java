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
 * {@code plain}) and writes its NAME to every connection; while PAUSE_FILE exists it accepts nothing,
 * so connections queue in the kernel. Arguments: {@code NAME PORT [plain|reuse [PAUSE_FILE]]}.
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
        java.nio.file.Path pause = args.length > 3 ? java.nio.file.Path.of(args[3]) : null;
        while (true) {
            while (pause != null && java.nio.file.Files.exists(pause)) {
                Thread.sleep(10);
            }
            try (SocketChannel client = server.accept()) {
                client.write(ByteBuffer.wrap((args[0] + "\n").getBytes(StandardCharsets.US_ASCII)));
            }
        }
    }
}
