package dev.updater.core.delta;

import java.io.IOException;
import java.io.InputStream;

/**
 * Where a rebuild reads objects from: the installed artifact, kept releases, fetched objects. The
 * rebuild never trusts a source: it reads exactly the object's size and checks its SHA-256.
 */
@FunctionalInterface
public interface ObjectSource {
    /** A stream positioned at the object's first byte; it may hold more bytes after it. */
    InputStream open(ObjectRef ref) throws IOException;
}
