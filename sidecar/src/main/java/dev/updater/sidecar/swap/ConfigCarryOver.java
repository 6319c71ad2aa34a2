package dev.updater.sidecar.swap;

import dev.updater.core.Sha256;
import dev.updater.core.home.AtomicFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The manifest's {@code config} files, like a package manager's conffiles: a file the operator changed
 * since its release shipped it is kept in the new release, the new release's own written beside it as
 * {@code <name>.new}; a file left as shipped is replaced. What a release shipped is recorded beside its
 * folder as {@code APP/releases/.<version>.config.sha256}, in {@code sha256sum} format, so that
 * "changed" means changed by someone, never "differs from the new release".
 */
final class ConfigCarryOver {
    private ConfigCarryOver() {
    }

    /** {@code APP/releases/.<version>.config.sha256}: beside the folder, never inside the host's files. */
    static Path shippedFile(Path folder) {
        return folder.resolveSibling("." + folder.getFileName() + ".config.sha256");
    }

    /**
     * Records what {@code fresh} (the new release folder, not yet renamed into place) ships, then carries
     * over from {@code previous} (the folder {@code current} points at, or null) each config file the
     * operator changed.
     *
     * @return one sentence per file kept, for {@code status} and the history
     */
    static List<String> apply(Path previous, Path fresh, List<String> config, Path shippedRecord) throws IOException {
        StringBuilder record = new StringBuilder();
        for (String path : config) {
            Path file = fresh.resolve(path);
            if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                record.append(Sha256.ofFile(file).hex()).append("  ").append(path).append('\n');
            }
        }
        Files.deleteIfExists(shippedRecord);
        Files.writeString(shippedRecord, record, StandardCharsets.UTF_8);
        AtomicFiles.fsync(shippedRecord);
        if (previous == null) {
            return List.of();
        }
        Map<String, String> shippedBefore = read(shippedFile(previous));
        List<String> kept = new ArrayList<>();
        for (String path : config) {
            Path mine = previous.resolve(path);
            if (!Files.isRegularFile(mine, LinkOption.NOFOLLOW_LINKS)) {
                continue; // removed by the operator, or new in this release: the release's own is used
            }
            String mineHash = Sha256.ofFile(mine).hex();
            if (mineHash.equals(shippedBefore.get(path))) {
                continue; // as shipped: replaced by the new release's own
            }
            Path theirs = fresh.resolve(path);
            boolean shipsOne = Files.isRegularFile(theirs, LinkOption.NOFOLLOW_LINKS);
            if (shipsOne && Sha256.ofFile(theirs).hex().equals(mineHash)) {
                continue;
            }
            if (shipsOne) {
                Files.move(theirs, theirs.resolveSibling(theirs.getFileName() + ".new"), StandardCopyOption.REPLACE_EXISTING);
            } else {
                Files.createDirectories(theirs.getParent());
            }
            Files.copy(mine, theirs, LinkOption.NOFOLLOW_LINKS, StandardCopyOption.COPY_ATTRIBUTES);
            kept.add(shipsOne ? path + " was changed here: kept, the release's own is " + path + ".new"
                    : path + " was changed here: kept (the release has none)");
        }
        return kept;
    }

    /** A {@code sha256sum}-style record; a missing one means nothing is known as shipped, so every change is kept. */
    private static Map<String, String> read(Path record) throws IOException {
        Map<String, String> hashes = new HashMap<>();
        if (!Files.isRegularFile(record, LinkOption.NOFOLLOW_LINKS)) {
            return hashes;
        }
        for (String line : Files.readAllLines(record, StandardCharsets.UTF_8)) {
            int gap = line.indexOf("  ");
            if (gap == 64) {
                hashes.put(line.substring(gap + 2), line.substring(0, gap));
            }
        }
        return hashes;
    }
}
