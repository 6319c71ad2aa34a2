import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** A spike host: listens on a port with SO_REUSEPORT, answers its name to each connection; pauses accepting while a file exists. */
public final class Child {
    public static void main(String[] args) throws Exception {
        String name = args[0];
        int port = Integer.parseInt(args[1]);
        Path pause = args.length > 2 ? Path.of(args[2]) : null;
        ServerSocketChannel server = ServerSocketChannel.open();
        server.setOption(StandardSocketOptions.SO_REUSEPORT, true);
        server.bind(new InetSocketAddress(port), 50);
        System.out.println(name + " listening");
        System.out.flush();
        while (true) {
            while (pause != null && Files.exists(pause)) {
                Thread.sleep(20);
            }
            try (SocketChannel client = server.accept()) {
                client.write(ByteBuffer.wrap((name + "\n").getBytes(StandardCharsets.US_ASCII)));
            }
        }
    }
}
