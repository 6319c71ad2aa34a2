package dev.updater.demo;

import java.util.Optional;

/**
 * What makes one release of the demo app different from another. Each release jar holds exactly
 * one implementation, named by its {@code release.properties}; everything else is shared.
 *
 * <pre>{@code
 * public final class FirstRelease implements Release {
 *     public String homePage(Status status) {
 *         return new HomePage("Hello from the first release.", STYLESHEET, "").render(status);
 *     }
 * }
 * }</pre>
 */
public interface Release {

    /**
     * Runs first, before the data file is read or a port is bound, so a release that refuses to
     * start leaves the data of the release before it untouched.
     *
     * @throws StartupFailure to exit with status 1 and the failure's message
     */
    default void checkStartup() throws StartupFailure {
    }

    /** The HTML page of {@code GET /}. */
    String homePage(Status status);

    /**
     * Answers a {@code GET} of a path other than {@code /}, {@code /health} and {@code /version},
     * or nothing for 404.
     */
    default Optional<Response> answer(String path, Status status) {
        return Optional.empty();
    }
}
