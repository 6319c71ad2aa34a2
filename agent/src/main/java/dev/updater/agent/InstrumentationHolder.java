package dev.updater.agent;

import java.lang.instrument.Instrumentation;
import java.util.Optional;

/**
 * The JVM's {@link Instrumentation} for this agent, kept for the hooks that will rewrite host
 * classes (the socket bind hook). The runtime's only static state.
 *
 * <p>It lives in the agent's own class loader, not in the boot package: a boot class is loaded by
 * the host's system class loader, which the runtime cannot see (the agent loader's parent is the
 * platform loader), and loading one more class on the host's main thread costs it 0.5 to 1 ms.
 * {@code premain}/{@code agentmain} hand the instance unchanged to the {@code updater-agent}
 * thread, and {@link AgentRuntime#run} keeps it here before anything else.
 */
final class InstrumentationHolder {
    private static volatile Instrumentation instrumentation;

    private InstrumentationHolder() {
    }

    static void keep(Instrumentation given) {
        instrumentation = given;
    }

    /** Empty until the runtime has started, and where the runtime runs without a JVM agent (tests). */
    static Optional<Instrumentation> get() {
        return Optional.ofNullable(instrumentation);
    }
}
