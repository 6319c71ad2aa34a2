package dev.updater.demo;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

/**
 * Which release this jar is: its version from the manifest's {@code Implementation-Version}, and
 * its behaviour from the class that {@code dev/updater/demo/release.properties} names. The build
 * writes both per release jar (demo-app/pom.xml).
 *
 * @param version   e.g. {@code 1.1.0}
 * @param behaviour what differs in this release
 */
record ThisRelease(String version, Release behaviour) {
    static final String RESOURCE = "dev/updater/demo/release.properties";
    static final String CLASS_KEY = "release.class";

    private static final String REBUILD = "run a release jar that the build made, "
            + "e.g. java -jar demo-app/target/demo-app-1.0.0.jar (./mvnw package makes them)";

    ThisRelease {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(behaviour, "behaviour");
    }

    /** This jar's version, if it runs from a release jar. */
    static Optional<String> manifestVersion() {
        return Optional.ofNullable(DemoApp.class.getPackage().getImplementationVersion())
                .filter(version -> !version.isBlank());
    }

    static ThisRelease read() throws StartupFailure {
        return read(manifestVersion(), DemoApp.class.getClassLoader());
    }

    static ThisRelease read(Optional<String> version, ClassLoader loader) throws StartupFailure {
        if (version.isEmpty()) {
            throw new StartupFailure("this jar's manifest has no Implementation-Version; " + REBUILD);
        }
        Properties properties = new Properties();
        try (InputStream in = loader.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new StartupFailure("this jar has no " + RESOURCE + "; " + REBUILD);
            }
            properties.load(in);
        } catch (IOException e) {
            throw new StartupFailure("cannot read " + RESOURCE + " in this jar: " + e + "; " + REBUILD, e);
        }
        String className = properties.getProperty(CLASS_KEY, "").strip();
        if (className.isEmpty()) {
            throw new StartupFailure(RESOURCE + " names no " + CLASS_KEY + "; " + REBUILD);
        }
        return new ThisRelease(version.get(), instantiate(className, loader));
    }

    private static Release instantiate(String className, ClassLoader loader) throws StartupFailure {
        Class<?> type;
        try {
            type = Class.forName(className, true, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new StartupFailure(RESOURCE + " names " + className + ", which is not in this jar; " + REBUILD, e);
        }
        if (!Release.class.isAssignableFrom(type)) {
            throw new StartupFailure(RESOURCE + " names " + className + ", which is not a "
                    + Release.class.getName() + "; " + REBUILD);
        }
        try {
            return (Release) type.getConstructor().newInstance();
        } catch (ReflectiveOperationException | RuntimeException e) {
            Throwable cause = e instanceof InvocationTargetException ? e.getCause() : e;
            throw new StartupFailure("cannot create " + className + ": " + cause + "; " + REBUILD, cause);
        }
    }
}
