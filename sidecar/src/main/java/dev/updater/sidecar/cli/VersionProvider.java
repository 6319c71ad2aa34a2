package dev.updater.sidecar.cli;

import picocli.CommandLine.IVersionProvider;

/** Reports the version from the jar manifest, so it always matches the build. */
final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String version = VersionProvider.class.getPackage().getImplementationVersion();
        return new String[] {"updater-sidecar " + (version == null ? "(development build)" : version)};
    }

    /** The version alone, {@code development} for a build without a jar manifest (tests from target/classes). */
    static String version() {
        String version = VersionProvider.class.getPackage().getImplementationVersion();
        return version == null ? "development" : version;
    }
}
