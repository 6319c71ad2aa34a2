import dev.updater.core.home.JsonRecords;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Instant;
import java.util.List;
import javax.management.ObjectName;

/**
 * Where the agent's heap goes: does, one after the other in one plain JVM (no agent), what the agent
 * does, and prints the live heap (after System.gc()) each step adds. Each step pays only for what
 * the steps before it have not loaded yet. Run by bench/agent/run.sh with updater-core and Jackson
 * on the class path:
 *
 *   java -cp core.jar:jackson... FootprintSteps HTTP_URL HTTPS_URL WORK_DIR
 */
public final class FootprintSteps {
    public record Sample(String name, long pid, Instant at, List<String> args) {
    }

    public interface ProbeMXBean {
        String getName();
    }

    public static final class Probe implements ProbeMXBean {
        @Override
        public String getName() {
            return "probe";
        }
    }

    private static long last;

    public static void main(String[] args) throws Exception {
        URI http = URI.create(args[0]);
        URI https = URI.create(args[1]);
        Path dir = Path.of(args[2]);
        step("baseline (a host that listens, like AgentHost)", () -> new java.net.ServerSocket(0).close());
        step("System.Logger -> java.util.logging, one INFO line (SimpleFormatter, dates, locale data)",
                () -> System.getLogger("updater").log(System.Logger.Level.INFO, "footprint step"));
        step("Jackson: write and read one record through updater-core's JsonRecords", () -> {
            JsonRecords.write(dir.resolve("sample.json"), new Sample("x", 1, Instant.now(), List.of("a", "b")));
            JsonRecords.read(dir.resolve("sample.json"), Sample.class);
        });
        step("JMX: the platform MBeanServer and one MXBean", () -> ManagementFactory.getPlatformMBeanServer()
                .registerMBean(new Probe(), new ObjectName("bench:type=Probe")));
        step("Ed25519: generate, sign, verify", () -> {
            KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            Signature signer = Signature.getInstance("Ed25519");
            signer.initSign(pair.getPrivate());
            signer.update(new byte[100]);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(pair.getPublic());
            verifier.update(new byte[100]);
            verifier.verify(signature);
        });
        HttpClient[] client = new HttpClient[1];
        step("HttpClient.newBuilder().build() (the default SSLContext: the trust store)",
                () -> client[0] = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build());
        step("one GET over HTTP/1.1 (connection kept in the pool)", () -> client[0].send(
                HttpRequest.newBuilder(http).version(HttpClient.Version.HTTP_1_1).build(),
                HttpResponse.BodyHandlers.ofByteArray()));
        step("one GET over HTTPS (TLS 1.3 handshake; HTTP/2 if the server offers it)", () -> client[0].send(
                HttpRequest.newBuilder(https).build(), HttpResponse.BodyHandlers.ofByteArray()));
        step("the same client, dropped (its pool, selector thread and connections released)", () -> client[0] = null);
        Files.deleteIfExists(dir.resolve("sample.json"));
    }

    interface Step {
        void run() throws Exception;
    }

    private static void step(String name, Step step) throws Exception {
        step.run();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        System.out.printf(java.util.Locale.ROOT, "step=%s|%d|%+d%n", name, used, last == 0 ? 0 : used - last);
        last = used;
    }

    private FootprintSteps() {
    }
}
