package dev.updater.core.archive;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What an archive put where, by normalized path, so that the unpacker can refuse an entry written
 * through a link or over another entry, and follow every symbolic link through the tree the way the
 * operating system will: a link checked only as text ({@code a -> .} then {@code b -> a/..}) can
 * still lead out of the folder.
 */
final class ArchiveTree {
    /** As Linux's limit on links followed in one lookup: more is a loop. */
    private static final int MAX_HOPS = 40;
    /** Marks an absolute target (or a drive letter, or a backslash) in the queue; no segment contains '/'. */
    private static final String ABSOLUTE = "/";

    private final Map<String, ArchiveEntry.Kind> kinds = new HashMap<>();
    private final Set<String> explicit = new HashSet<>();
    private final Map<String, String> links = new HashMap<>();

    /**
     * A path relative to the archive's root with {@code /} separators, without empty or {@code .}
     * segments; {@code ""} for the root itself.
     *
     * @throws IllegalArgumentException naming what makes the path unsafe
     */
    static String normalize(String name) {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("has an empty name");
        }
        if (name.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new IllegalArgumentException("has a control character in its name");
        }
        if (name.indexOf('\\') >= 0) {
            throw new IllegalArgumentException("has a backslash in its name, a folder separator on Windows");
        }
        if (name.startsWith("/")) {
            throw new IllegalArgumentException("is an absolute path");
        }
        if (name.length() >= 2 && name.charAt(1) == ':' && Character.isLetter(name.charAt(0))) {
            throw new IllegalArgumentException("starts with a drive letter");
        }
        List<String> segments = new ArrayList<>();
        for (String segment : name.split("/")) {
            if (segment.equals("..")) {
                throw new IllegalArgumentException("climbs out of its folder with '..'");
            }
            if (!segment.isEmpty() && !segment.equals(".")) {
                segments.add(segment);
            }
        }
        return String.join("/", segments);
    }

    /**
     * Records {@code path}, its parents becoming folders.
     *
     * @throws IllegalArgumentException when a parent is a file or link, or the path was already given
     */
    void add(String path, ArchiveEntry.Kind kind) {
        int slash = -1;
        while ((slash = path.indexOf('/', slash + 1)) >= 0) {
            String parent = path.substring(0, slash);
            ArchiveEntry.Kind existing = kinds.putIfAbsent(parent, ArchiveEntry.Kind.DIRECTORY);
            if (existing != null && existing != ArchiveEntry.Kind.DIRECTORY) {
                throw new IllegalArgumentException("lies beneath \"" + parent + "\", which the archive made a "
                        + describe(existing) + " (writing through it could reach anywhere)");
            }
        }
        ArchiveEntry.Kind existing = kinds.get(path);
        boolean implicitFolder = existing == ArchiveEntry.Kind.DIRECTORY && !explicit.contains(path);
        if (existing != null && !(implicitFolder && kind == ArchiveEntry.Kind.DIRECTORY)) {
            throw new IllegalArgumentException("is in the archive twice (tools disagree on which copy wins)");
        }
        kinds.put(path, kind);
        explicit.add(path);
    }

    void addLink(String path, String target) {
        links.put(path, target);
    }

    ArchiveEntry.Kind kindOf(String path) {
        return kinds.get(path);
    }

    /** Every symbolic link with its target, to check once the whole tree is known. */
    Map<String, String> links() {
        return links;
    }

    /**
     * True when {@code link} resolves inside the root: each segment of its target is followed as the
     * system follows it, links within links included; a {@code ..} above the root, an absolute
     * target or too many hops is outside.
     */
    boolean staysInside(String link) {
        Deque<String> position = new ArrayDeque<>(List.of(link.split("/")));
        position.removeLast();
        Deque<String> todo = new ArrayDeque<>();
        pushFront(todo, links.get(link));
        int hops = 0;
        while (!todo.isEmpty()) {
            String segment = todo.pollFirst();
            if (segment.equals(ABSOLUTE)) {
                return false;
            }
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                if (position.isEmpty()) {
                    return false;
                }
                position.removeLast();
                continue;
            }
            position.addLast(segment);
            String target = links.get(String.join("/", position));
            if (target != null) {
                if (++hops > MAX_HOPS) {
                    return false;
                }
                position.removeLast();
                pushFront(todo, target);
            }
        }
        return true;
    }

    private static void pushFront(Deque<String> todo, String target) {
        if (target.startsWith("/") || target.indexOf('\\') >= 0
                || (target.length() >= 2 && target.charAt(1) == ':' && Character.isLetter(target.charAt(0)))) {
            todo.addFirst(ABSOLUTE);
            return;
        }
        String[] segments = target.split("/");
        for (int i = segments.length - 1; i >= 0; i--) {
            todo.addFirst(segments[i]);
        }
    }

    private static String describe(ArchiveEntry.Kind kind) {
        return switch (kind) {
            case SYMLINK -> "symbolic link";
            case HARDLINK -> "hard link";
            default -> "file";
        };
    }
}
