package dev.updater.core.archive;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.updater.core.json.Json;
import dev.updater.core.version.ReleaseVersion;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads {@code APP/current.json}, the archive layout's record where no link {@code APP/current} can be
 * made (docs/archives.md "Windows"): {@code {"folder": "releases/1.1.0"}}. The one reader, for the sidecar
 * (which also writes it: {@code sidecar/swap/CurrentRecord}) and for the agent, whose host the sidecar
 * started from {@code APP/releases/<v>/...} while {@code installed.json} names {@code APP/current/...}.
 *
 * <p>Threat: the record lies in a folder others may write; a folder that is not {@code releases/<version>}
 * (an absolute path, {@code ..}, another name) names nothing, as a link with such a text is no layout.
 */
public final class CurrentFolder {
    /** The record's name in {@code APP}. */
    public static final String FILE = "current.json";
    /** The link (or, in the fallback layout, the path that does not exist) the host is configured with. */
    public static final String CURRENT = "current";
    /** The folder of the release folders in {@code APP}. */
    public static final String RELEASES = "releases";

    private CurrentFolder() {
    }

    /** The record's one field, as written. */
    private record Recorded(String folder) {
    }

    /** True when {@code app} uses the record: {@code APP/current.json} exists and {@code APP/current} does not. */
    public static boolean recordUsedBy(Path app) {
        return !Files.exists(app.resolve(CURRENT), LinkOption.NOFOLLOW_LINKS)
                && Files.isRegularFile(app.resolve(FILE), LinkOption.NOFOLLOW_LINKS);
    }

    /** The release folder name {@code APP/current.json} names; empty when it names no {@code releases/<version>}. */
    public static Optional<String> recorded(Path app) throws IOException {
        Recorded record;
        try {
            record = Json.mapper().readValue(Files.readAllBytes(app.resolve(FILE)), Recorded.class);
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
        if (record == null || record.folder() == null || !record.folder().startsWith(RELEASES + "/")) {
            return Optional.empty();
        }
        String name = record.folder().substring(RELEASES.length() + 1);
        return ReleaseVersion.tryParse(name) != null && !name.contains("/") && !name.contains("\\")
                ? Optional.of(name) : Optional.empty();
    }

    /**
     * {@code path} with {@code APP/current} replaced by the folder {@code APP/current.json} names
     * ({@code APP/current/lib/app.jar} to {@code APP/releases/1.1.0/lib/app.jar}), when it lies under that
     * fallback layout; {@code path} itself otherwise (under a link, the file system resolves it).
     */
    public static Path resolve(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        for (Path dir = absolute.getParent(); dir != null && dir.getParent() != null; dir = dir.getParent()) {
            Path app = dir.getParent();
            if (dir.getFileName().toString().equals(CURRENT) && recordUsedBy(app)) {
                try {
                    Optional<String> name = recorded(app);
                    return name.isPresent() ? app.resolve(RELEASES).resolve(name.get()).resolve(dir.relativize(absolute))
                            : path;
                } catch (IOException e) {
                    return path;
                }
            }
        }
        return path;
    }
}
