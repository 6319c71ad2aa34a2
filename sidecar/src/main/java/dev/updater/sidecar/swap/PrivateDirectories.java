package dev.updater.sidecar.swap;

import java.nio.file.FileSystems;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;

/** Directories the sidecar creates in the home are the operator's only (0700), where POSIX has modes. */
final class PrivateDirectories {
    private PrivateDirectories() {
    }

    static FileAttribute<?>[] attributes() {
        if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            return new FileAttribute<?>[0];
        }
        return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))};
    }
}
