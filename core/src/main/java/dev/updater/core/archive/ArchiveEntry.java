package dev.updater.core.archive;

/**
 * One entry as an archive declares it, before any check: {@code name} and {@code linkTarget} are the
 * archive's own text and may be anything.
 *
 * @param name the entry's path as written in the archive
 * @param kind what it is
 * @param mode its POSIX permission bits (with setuid, setgid and sticky as written), or -1 when the
 *     archive records none
 * @param size the declared size of a file's data; 0 for anything else
 * @param linkTarget a symbolic link's target or the path a hard link names; null otherwise
 */
record ArchiveEntry(String name, Kind kind, int mode, long size, String linkTarget) {
    enum Kind { FILE, DIRECTORY, SYMLINK, HARDLINK, DEVICE, FIFO, OTHER }
}
