package dev.updater.core.manifest;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The manifest's {@code "format"} of an archive artifact (DESIGN §5 "Archives"): the agent unpacks it
 * into {@code releases/<version>/} instead of keeping it as one file. An artifact without a format is a
 * single file, as before the field existed.
 */
public enum ArchiveFormat {
    ZIP("zip", ".zip"),
    TAR_GZ("tar.gz", ".tar.gz", ".tgz");

    private final String wireName;
    private final String[] suffixes;

    ArchiveFormat(String wireName, String... suffixes) {
        this.wireName = wireName;
        this.suffixes = suffixes;
    }

    /** As written in the manifest and the home's records: {@code zip} or {@code tar.gz}. */
    @JsonValue
    public String wireName() {
        return wireName;
    }

    /** The format named by a manifest's {@code "format"}, or empty for an unknown name. */
    public static Optional<ArchiveFormat> ofWireName(String name) {
        return Arrays.stream(values()).filter(format -> format.wireName.equals(name)).findFirst();
    }

    /** The archive format a file name ends with ({@code .zip}, {@code .tar.gz}, {@code .tgz}), or empty. */
    public static Optional<ArchiveFormat> ofFileName(String fileName) {
        String lower = fileName.toLowerCase(Locale.ROOT);
        return Arrays.stream(values())
                .filter(format -> Arrays.stream(format.suffixes).anyMatch(lower::endsWith))
                .findFirst();
    }

    /** The accepted wire names, for messages: {@code "zip", "tar.gz"}. */
    static String wireNames() {
        return String.join(", ", Arrays.stream(values()).map(format -> "\"" + format.wireName + "\"").toList());
    }

    @Override
    public String toString() {
        return wireName;
    }
}
