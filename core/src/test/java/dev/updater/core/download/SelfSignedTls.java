package dev.updater.core.download;

import dev.updater.core.testing.ChildProcess;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throw-away certificate for 127.0.0.1 and localhost, made once per test JVM with the JDK's
 * keytool: the server side for {@link LoopbackHttpServer#https}, the client side trusting only it,
 * and its PEM for other clients (curl's and wget's CA file).
 */
public final class SelfSignedTls {
    private static final char[] PASSWORD = "changeit".toCharArray();

    private SelfSignedTls() {
    }

    static SSLContext server() {
        return Holder.SERVER;
    }

    static SSLContext client() {
        return Holder.CLIENT;
    }

    /** The certificate in PEM, for {@code wget --ca-certificate} or {@code curl --cacert}. */
    public static String certificatePem() {
        return Holder.PEM;
    }

    private static final class Holder {
        private static final SSLContext SERVER;
        private static final SSLContext CLIENT;
        private static final String PEM;

        static {
            try {
                KeyStore keyStore = generate();
                KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keys.init(keyStore, PASSWORD);
                SERVER = SSLContext.getInstance("TLS");
                SERVER.init(keys.getKeyManagers(), null, null);
                TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trust.init(keyStore);
                CLIENT = SSLContext.getInstance("TLS");
                CLIENT.init(null, trust.getTrustManagers(), null);
                PEM = "-----BEGIN CERTIFICATE-----\n"
                        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(
                                keyStore.getCertificate("server").getEncoded())
                        + "\n-----END CERTIFICATE-----\n";
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (GeneralSecurityException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static KeyStore generate() throws IOException, GeneralSecurityException, InterruptedException {
        Path dir = Files.createTempDirectory("updater-tls");
        Path file = dir.resolve("server.p12");
        Path keytoolExecutable = Path.of(System.getProperty("java.home"), "bin", "keytool");
        ChildProcess.Finished keytool = ChildProcess.run(List.of(keytoolExecutable.toString(),
                "-genkeypair", "-alias", "server", "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=localhost", "-ext", "san=ip:127.0.0.1,dns:localhost",
                "-validity", "2", "-keystore", file.toString(), "-storetype", "PKCS12",
                "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD)), Duration.ofSeconds(60));
        if (keytool.exitCode() != 0) {
            throw new IllegalStateException("keytool failed: " + keytool);
        }
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            keyStore.load(in, PASSWORD);
        }
        Files.delete(file);
        Files.delete(dir);
        return keyStore;
    }
}
