package dev.updater.demo.release;

import dev.updater.demo.HomePage;
import dev.updater.demo.Release;
import dev.updater.demo.StartupFailure;
import dev.updater.demo.Status;

/**
 * Release 1.2.0: broken on purpose for the walkthrough's rollback scene. It refuses to start
 * before it reads the data file or binds a port, so it never answers {@code /health}, the
 * updater's health gate fails, and the data of the release before it is left as it was.
 */
public final class BrokenRelease implements Release {
    static final String FAILURE = "simulated startup failure: this release is broken on purpose, "
            + "so that the updater's health gate fails and rolls it back";

    @Override
    public void checkStartup() throws StartupFailure {
        throw new StartupFailure(FAILURE);
    }

    /** Never shown: {@link #checkStartup()} always fails first. */
    @Override
    public String homePage(Status status) {
        return new HomePage("Hello from 1.2.0 (you should never see this).", "", "").render(status);
    }
}
