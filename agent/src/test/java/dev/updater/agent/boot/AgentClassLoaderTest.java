package dev.updater.agent.boot;

import dev.updater.agent.boot.testjar.Greeter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

final class AgentClassLoaderTest {
    private static final String GREETER = "dev.updater.agent.boot.testjar.Greeter";

    @TempDir
    Path directory;

    private int jars;
    private Path lastJar;

    @Test
    void loadClass_classInTheJar_isDefinedByTheLoaderItselfFromTheClassdataEntry() throws Exception {
        AgentClassLoader loader = loader(new TestJar().packedClass(Greeter.class));
        Class<?> greeter = loader.loadClass(GREETER);

        assertNotSame(Greeter.class, greeter);
        assertSame(loader, greeter.getClassLoader());
        assertEquals("hello from updater", ((Supplier<?>) greeter.getDeclaredConstructor().newInstance()).get());
        assertSame(greeter, loader.loadClass(GREETER));
    }

    @Test
    void loadClass_classInTheJar_hasTheJarAsItsCodeSource() throws Exception {
        AgentClassLoader loader = loader(new TestJar().packedClass(Greeter.class));
        Class<?> greeter = loader.loadClass(GREETER);

        assertEquals(lastJar.toUri().toURL(), greeter.getProtectionDomain().getCodeSource().getLocation());
    }

    @Test
    void loadClass_packageWithAManifestSection_getsItsVersions() throws Exception {
        TestJar jar = new TestJar().packedClass(Greeter.class).text(AgentClassLoader.MANIFEST, """
                Manifest-Version: 1.0

                Name: dev/updater/agent/boot/testjar/
                Implementation-Title: greeter
                Implementation-Version: 1.2.3
                Specification-Version: 1.2

                """.replace("\n", "\r\n"));
        AgentClassLoader loader = loader(jar);
        Package greeterPackage = loader.loadClass(GREETER).getPackage();

        assertEquals("greeter", greeterPackage.getImplementationTitle());
        assertEquals("1.2.3", greeterPackage.getImplementationVersion());
        assertEquals("1.2", greeterPackage.getSpecificationVersion());
    }

    @Test
    void loadClass_jdkClass_comesFromThePlatformLoader() throws Exception {
        AgentClassLoader loader = loader(new TestJar().packedClass(Greeter.class));
        assertSame(java.sql.Connection.class, loader.loadClass("java.sql.Connection"));
        assertSame(String.class, loader.loadClass("java.lang.String"));
        assertSame(ClassLoader.getPlatformClassLoader(), loader.getParent());
    }

    @Test
    void loadClass_classOfTheApplicationClassPath_isNotFound() throws Exception {
        AgentClassLoader loader = loader(new TestJar().packedClass(Greeter.class));
        ClassNotFoundException e = assertThrows(ClassNotFoundException.class,
                () -> loader.loadClass(AgentClassLoaderTest.class.getName()));

        assertEquals(AgentClassLoaderTest.class.getName(), e.getMessage());
    }

    @Test
    void loadClass_missingClassOfAPackageTheJarHolds_isNotAskedOfTheParent() throws Exception {
        // javax.sql is the platform loader's; once the jar holds that package, the parent's copy must not leak in.
        AgentClassLoader loader = loader(new TestJar().bytes("inst/javax/sql/Unused.classdata", new byte[] {0}));
        assertThrows(ClassNotFoundException.class, () -> loader.loadClass("javax.sql.DataSource"));
    }

    @Test
    void loadClass_classOnlyInAVersionedDirectory_isFoundOnlyFromThatJavaVersionOn() throws Exception {
        TestJar jar = new TestJar().bytes("inst/META-INF/versions/11/dev/updater/agent/boot/testjar/Greeter.classdata",
                TestJar.classBytes(Greeter.class));
        AgentClassLoader onJava11 = loader(jar, 11);
        AgentClassLoader onJava10 = loader(jar, 10);
        assertEquals(GREETER, onJava11.loadClass(GREETER).getName());
        assertThrows(ClassNotFoundException.class, () -> onJava10.loadClass(GREETER));
    }

    @Test
    void getResource_versionedResource_isTheHighestVersionNotAboveTheRunningJava() throws Exception {
        TestJar jar = new TestJar()
                .text("inst/greeting.txt", "base")
                .text("inst/META-INF/versions/11/greeting.txt", "11")
                .text("inst/META-INF/versions/17/greeting.txt", "17")
                .text("inst/META-INF/versions/21/greeting.txt", "21");

        assertEquals("base", read(jar, 9, "greeting.txt"));
        assertEquals("11", read(jar, 16, "greeting.txt"));
        assertEquals("17", read(jar, 17, "greeting.txt"));
        assertEquals("17", read(jar, 20, "greeting.txt"));
        assertEquals("21", read(jar, 25, "greeting.txt"));
    }

    @Test
    void getResource_underMetaInf_isNeverVersioned() throws Exception {
        TestJar jar = new TestJar()
                .text("inst/META-INF/services/x.Service", "base")
                .text("inst/META-INF/versions/11/META-INF/services/x.Service", "11");

        assertEquals("base", read(jar, 17, "META-INF/services/x.Service"));
    }

    @Test
    void getResource_resourceInTheJar_isAJarUrlOfItsInstEntry() throws Exception {
        AgentClassLoader loader = loader(new TestJar().text("inst/dir/greeting.txt", "hello"));
        URL url = loader.getResource("dir/greeting.txt");

        assertEquals("jar:" + lastJar.toUri().toURL() + "!/inst/dir/greeting.txt", url.toString());
        try (InputStream in = url.openStream()) {
            assertEquals("hello", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        assertEquals(List.of(url), Collections.list(loader.getResources("dir/greeting.txt")));
        try (InputStream in = loader.getResourceAsStream("dir/greeting.txt")) {
            assertEquals("hello", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void getResource_nameNeedingEscapes_givesAUrlThatOpens() throws Exception {
        AgentClassLoader loader = loader(new TestJar().text("inst/a dir/50% off.txt", "escaped"), "agent jar with spaces.jar");
        URL url = loader.getResource("a dir/50% off.txt");

        try (InputStream in = url.openStream()) {
            assertEquals("escaped", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void getResource_classFileName_givesTheClassdataBytes_butTheStoredNameIsNoResource() throws Exception {
        AgentClassLoader loader = loader(new TestJar().packedClass(Greeter.class));
        try (InputStream in = loader.getResourceAsStream("dev/updater/agent/boot/testjar/Greeter.class")) {
            assertArrayEquals(TestJar.classBytes(Greeter.class), in.readAllBytes());
        }
        assertNull(loader.getResource("dev/updater/agent/boot/testjar/Greeter.classdata"));
    }

    @Test
    void getResource_missingEverywhere_isNull_andJdkResourcesStillComeFromTheParent() throws Exception {
        AgentClassLoader loader = loader(new TestJar().text("inst/greeting.txt", "hello"));
        assertNull(loader.getResource("missing.txt"));
        assertEquals(List.of(), Collections.list(loader.getResources("missing.txt")));
        assertNull(loader.getResourceAsStream("missing.txt"));
        assertEquals(ClassLoader.getPlatformClassLoader().getResource("java/sql/Connection.class"),
                loader.getResource("java/sql/Connection.class"));
    }

    @Test
    void theLoader_isParallelCapable_andNamedUpdater() throws Exception {
        AgentClassLoader loader = loader(new TestJar());
        assertTrue(loader.isRegisteredAsParallelCapable());
        assertEquals("updater", loader.getName());
    }

    private String read(TestJar jar, int javaVersion, String resource) throws IOException {
        try (InputStream in = loader(jar, javaVersion).getResourceAsStream(resource)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private AgentClassLoader loader(TestJar jar) throws IOException {
        return loader(jar, Runtime.version().feature());
    }

    private AgentClassLoader loader(TestJar jar, int javaVersion) throws IOException {
        return loader(jar, "agent-" + (jars + 1) + ".jar", javaVersion);
    }

    private AgentClassLoader loader(TestJar jar, String fileName) throws IOException {
        return loader(jar, fileName, Runtime.version().feature());
    }

    private AgentClassLoader loader(TestJar jar, String fileName, int javaVersion) throws IOException {
        jars++;
        lastJar = jar.write(directory.resolve(fileName));
        return new AgentClassLoader(lastJar, javaVersion);
    }
}
