package dev.updater.agent.boot;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Builds small jars for the boot tests. */
final class TestJar {
    private final Map<String, byte[]> entries = new LinkedHashMap<>();

    TestJar text(String name, String content) {
        entries.put(name, content.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    TestJar bytes(String name, byte[] content) {
        entries.put(name, content);
        return this;
    }

    /** Adds a compiled class of the tests as {@code inst/<binary/name>.classdata}, as the packer does. */
    TestJar packedClass(Class<?> type) throws IOException {
        return bytes("inst/" + type.getName().replace('.', '/') + ".classdata", classBytes(type));
    }

    static byte[] classBytes(Class<?> type) throws IOException {
        try (InputStream in = type.getResourceAsStream(type.getSimpleName() + ".class")) {
            return in.readAllBytes();
        }
    }

    Path write(Path jar) throws IOException {
        try (OutputStream file = Files.newOutputStream(jar); ZipOutputStream out = new ZipOutputStream(file)) {
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                out.putNextEntry(new ZipEntry(entry.getKey()));
                out.write(entry.getValue());
                out.closeEntry();
            }
        }
        return jar;
    }
}
