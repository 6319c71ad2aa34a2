package dev.updater.sidecar.cli;

import dev.updater.core.UpdaterException;
import dev.updater.core.signature.Ed25519Keys;
import dev.updater.core.signature.TrustedKey;
import dev.updater.sidecar.channel.OperatorTrust;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The options of {@code check} and {@code apply} that say what to trust: keys and insecure flags come
 * from here only, never from the host-written {@code channel.json} ({@link OperatorTrust}).
 */
final class ChannelTrustOptions {
    @Option(names = "--key", paramLabel = "KEY", converter = KeyText.class,
            description = "A public key you trust to sign releases, as 'keygen' prints it (the agent's key=);"
                    + " repeat it for key rotation. HOME/channel.json may list no key that is not given here."
                    + " Default: none. Example: --key ed25519:MCowBQYDK2VwAyEA...")
    List<TrustedKey> keys = new ArrayList<>();

    @Option(names = "--keyfile", paramLabel = "FILE", converter = KeyFile.class,
            description = "A public key file you trust (updater.pub, or an OpenSSL PEM public key); repeatable."
                    + " Default: none. Example: --keyfile /etc/app/updater.pub")
    List<TrustedKey> keyFiles = new ArrayList<>();

    @Option(names = "--manifest", paramLabel = "URL",
            description = "The manifest URL to check. Default: the one the agent recorded in HOME/channel.json."
                    + " Example: --manifest https://releases.example.com/app/manifest.json")
    URI manifest;

    @Option(names = "--insecure-allow-http",
            description = "Allow plain HTTP to hosts other than loopback; never taken from channel.json."
                    + " Default: false.")
    boolean insecureAllowHttp;

    @Option(names = "--insecure-allow-unsigned",
            description = "Accept a manifest without a signature (testing only); never taken from channel.json."
                    + " Default: false.")
    boolean insecureAllowUnsigned;

    OperatorTrust trust() {
        List<TrustedKey> all = new ArrayList<>(keys);
        all.addAll(keyFiles);
        return new OperatorTrust(all, manifest, insecureAllowHttp, insecureAllowUnsigned);
    }

    static final class KeyText implements ITypeConverter<TrustedKey> {
        @Override
        public TrustedKey convert(String value) {
            try {
                return TrustedKey.of(Ed25519Keys.parsePublicKey(value));
            } catch (UpdaterException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    static final class KeyFile implements ITypeConverter<TrustedKey> {
        @Override
        public TrustedKey convert(String value) {
            try {
                return TrustedKey.of(Ed25519Keys.parsePublicKey(Files.readString(Path.of(value),
                        StandardCharsets.US_ASCII)));
            } catch (IOException e) {
                throw new TypeConversionException("cannot read the key file " + value + " (" + e + ")");
            } catch (UpdaterException e) {
                throw new TypeConversionException(value + ": " + e.getMessage());
            }
        }
    }
}
