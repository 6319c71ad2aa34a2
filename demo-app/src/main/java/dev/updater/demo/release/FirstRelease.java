package dev.updater.demo.release;

import dev.updater.demo.HomePage;
import dev.updater.demo.Release;
import dev.updater.demo.Status;

/** Release 1.0.0: the status page in a light theme, and nothing more. */
public final class FirstRelease implements Release {
    static final String MESSAGE = "Hello from the first release of demo-app.";

    private static final String LIGHT = """
            body { font-family: system-ui, sans-serif; background: #fafafa; color: #222; margin: 0; }
            main { max-width: 40rem; margin: 3rem auto; padding: 0 1rem; }
            h1 { font-weight: 600; }
            dt { font-weight: 600; margin-top: .6rem; }
            dd { margin-left: 0; }
            footer { margin-top: 2rem; color: #666; font-size: .9rem; }
            """;

    @Override
    public String homePage(Status status) {
        return new HomePage(MESSAGE, LIGHT, "").render(status);
    }
}
