package dev.updater.core.delta;

import org.springframework.boot.loader.tools.Library;
import org.springframework.boot.loader.tools.LibraryScope;
import org.springframework.boot.loader.tools.Repackager;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Collections;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Real Spring Boot fat jars, built at test time by Spring Boot's own {@link Repackager} (what {@code
 * spring-boot-maven-plugin} runs) from the real jars the build copied into {@code target/delta-jars}:
 * the app's classes in {@code BOOT-INF/classes}, the app's own module jar and the libraries in {@code
 * BOOT-INF/lib}, nested STORED as Spring Boot writes them, and Spring Boot's loader. A build is either
 * reproducible (every timestamp fixed, as with {@code project.build.outputTimestamp}: the same source
 * gives the same bytes) or not (the app's classes and module jar carry the build's time, and Spring Boot
 * keeps them). Used by the delta tests and by bench/delta.
 */
public final class SpringBootFatJars {
    /** The fixed timestamp of a reproducible build (Maven's project.build.outputTimestamp). */
    public static final long REPRODUCIBLE_TIME = 1_700_000_000_000L;

    /**
     * What one build is made of.
     *
     * @param appClasses   a jar whose entries play the app's own classes (BOOT-INF/classes)
     * @param appModule    a jar whose entries play the app's own module, rebuilt at each build (BOOT-INF/lib)
     * @param libraries    the dependencies, nested as they are (BOOT-INF/lib)
     * @param time         the build's time: every entry the build writes gets it
     * @param reproducible whether Spring Boot is given a fixed output timestamp
     * @param changedClass an entry of {@code appModule} that this build changes (one more byte), or null
     */
    public record Build(Path appClasses, Path appModule, List<Path> libraries, long time, boolean reproducible,
                        String changedClass) {
        public Build {
            libraries = List.copyOf(libraries);
        }

        public Build withLibraries(List<Path> other) {
            return new Build(appClasses, appModule, other, time, reproducible, changedClass);
        }

        public Build changing(String entry) {
            return new Build(appClasses, appModule, libraries, time, reproducible, entry);
        }

        public Build at(long otherTime) {
            return new Build(appClasses, appModule, libraries, otherTime, reproducible, changedClass);
        }
    }

    private SpringBootFatJars() {
    }

    /** A reproducible build of this app with these libraries. */
    public static Build reproducible(Path appClasses, Path appModule, List<Path> libraries) {
        return new Build(appClasses, appModule, libraries, REPRODUCIBLE_TIME, true, null);
    }

    /** Builds {@code build} into {@code dir/name} (a work folder {@code dir/name.build} holds its inputs). */
    public static Path build(Path dir, String name, Build build) throws IOException {
        Path work = Files.createDirectories(dir.resolve(name + ".build"));
        Path source = work.resolve("app.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "demo.App");
        try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(source), manifest)) {
            copyEntries(build.appClasses(), jar, build.time(), null);
        }
        Path module = work.resolve("app-module-1.0.jar");
        try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(module))) {
            copyEntries(build.appModule(), jar, build.time(), build.changedClass());
        }
        Files.setLastModifiedTime(module, FileTime.fromMillis(build.time())); // Spring Boot takes a library's time from its file
        Repackager repackager = new Repackager(source.toFile());
        repackager.setMainClass("demo.App");
        repackager.setIncludeRelevantJarModeJars(false);
        repackager.setBackupSource(false);
        Path target = dir.resolve(name);
        Files.deleteIfExists(target);
        repackager.repackage(target.toFile(), callback -> {
            callback.library(new Library(module.toFile(), LibraryScope.COMPILE));
            for (Path library : build.libraries()) {
                callback.library(new Library(library.toFile(), LibraryScope.COMPILE));
            }
        }, build.reproducible() ? FileTime.fromMillis(REPRODUCIBLE_TIME) : null);
        return target;
    }

    /** Copies every file entry of {@code from}, DEFLATED, at {@code time}; {@code changed} gets one more byte. */
    private static void copyEntries(Path from, JarOutputStream jar, long time, String changed) throws IOException {
        boolean found = changed == null;
        try (ZipFile zip = new ZipFile(from.toFile())) {
            for (ZipEntry entry : Collections.list(zip.entries())) {
                if (entry.isDirectory() || entry.getName().equals("META-INF/MANIFEST.MF")) {
                    continue;
                }
                JarEntry copy = new JarEntry(entry.getName());
                copy.setTime(time);
                jar.putNextEntry(copy);
                try (InputStream in = zip.getInputStream(entry)) {
                    in.transferTo(jar);
                }
                if (entry.getName().equals(changed)) {
                    jar.write(0); // a one-line fix in one class
                    found = true;
                }
            }
        }
        if (!found) {
            throw new IllegalArgumentException(from + " has no entry " + changed);
        }
    }

    /** The real jar {@code fileName} the build copied from Maven Central (relative to core, as tests run). */
    static Path library(String fileName) {
        return Path.of("target", "delta-jars", fileName);
    }
}
