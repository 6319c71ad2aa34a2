package dev.updater.agent.config;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;

import java.security.NoSuchAlgorithmException;
import java.security.Signature;

/** A trimmed runtime may lack what the agent needs; say so at start instead of failing on first use. */
final class RuntimeSupport {
    private RuntimeSupport() {
    }

    static void require() throws UpdaterException {
        if (ModuleLayer.boot().findModule("java.net.http").isEmpty()) {
            throw new UpdaterException(ErrorCode.RUNTIME_UNSUPPORTED, "updater agent disabled: this Java runtime lacks"
                    + " the java.net.http module (a trimmed image or --limit-modules). Add it with"
                    + " --add-modules java.net.http, or include it in the jlink image.");
        }
        if (!hasEd25519()) {
            throw new UpdaterException(ErrorCode.RUNTIME_UNSUPPORTED, "updater agent disabled: this Java runtime lacks"
                    + " Ed25519 signatures (on Java 17 they live in the jdk.crypto.ec module). Add it with"
                    + " --add-modules jdk.crypto.ec.");
        }
    }

    /** Whether keys can be read at all: without Ed25519 every key would look malformed. */
    static boolean hasEd25519() {
        try {
            Signature.getInstance("Ed25519");
            return true;
        } catch (NoSuchAlgorithmException e) {
            return false;
        }
    }
}
