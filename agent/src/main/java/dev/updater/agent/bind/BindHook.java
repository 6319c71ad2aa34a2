package dev.updater.agent.bind;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Installs the bind hook (DESIGN §7): advice on the JDK's three listening-socket bind paths and
 * their closes, so that every listening address the host binds reaches the agent, and, with
 * {@code UPDATER_REUSE_PORT=true}, is bound with {@code SO_REUSEPORT}.
 *
 * <p>Runs on the agent's thread, never in {@code premain}: the class-file library (the ASM inside
 * Byte Buddy, {@link BridgeCalls}) is loaded here. The three classes are loaded first (without
 * initialising them) and then retransformed, so the rewriting is done on this thread and not on a
 * host thread that loads one of them; the transformer stays registered, because a later
 * retransformation by another agent starts again from the original bytes and would otherwise drop
 * the calls. Neither {@code AgentBuilder} nor {@code Advice}: a transformer that matches three names
 * and adds five instructions keeps the classes loaded, and the CPU, small (issue 12's budget is
 * 50 ms on the agent's thread; {@code Advice} took 250 to 410 ms, {@code bench/agent/bind-hook.sh}).
 *
 * <p>Not seen: Netty's native epoll/io_uring transports and anything else that binds in C.
 */
public final class BindHook {
    /** The name of the environment variable the sidecar sets in overlap mode. */
    public static final String REUSE_PORT_VARIABLE = "UPDATER_REUSE_PORT";

    private static final List<Target> TARGETS = List.of(
            new Target("java.net.ServerSocket", "close"),
            new Target("sun.nio.ch.ServerSocketChannelImpl", "implCloseSelectableChannel"),
            new Target("sun.nio.ch.AsynchronousServerSocketChannelImpl", "close"));

    private final BlockingQueue<Object[]> events;
    private final Instant installedAt;

    private BindHook(BlockingQueue<Object[]> events, Instant installedAt) {
        this.events = events;
        this.installedAt = installedAt;
    }

    /** True when the host's environment asks for {@code SO_REUSEPORT} (overlap mode). */
    public static boolean reusePortRequested(Map<String, String> environment) {
        return "true".equalsIgnoreCase(environment.get(REUSE_PORT_VARIABLE));
    }

    /**
     * Installs the hook into this JVM.
     *
     * @throws Exception when it could not be installed; the host is then as it was, or hooked on
     *         fewer classes (the message says which)
     */
    @SuppressWarnings("unchecked")
    public static BindHook install(Instrumentation instrumentation, boolean reusePort) throws Exception {
        Class<?> bridge = BridgeInjection.inject(instrumentation);
        bridge.getField("reusePort").setBoolean(null, reusePort);
        BlockingQueue<Object[]> events = (BlockingQueue<Object[]>) bridge.getField("EVENTS").get(null);

        Class<?>[] classes = new Class<?>[TARGETS.size()];
        for (int i = 0; i < classes.length; i++) {
            classes[i] = Class.forName(TARGETS.get(i).className(), false, null);
        }
        Transformer transformer = new Transformer();
        instrumentation.addTransformer(transformer, true);
        instrumentation.retransformClasses(classes);
        if (!transformer.failures.isEmpty()) {
            throw new IllegalStateException("could not rewrite " + transformer.failures);
        }
        return new BindHook(events, Instant.now());
    }

    /** The events the advice reports, taken by {@link ListenerWatch}. */
    BlockingQueue<Object[]> events() {
        return events;
    }

    /** When the advice went live: binds from then on are seen. */
    Instant installedAt() {
        return installedAt;
    }

    /** A class to rewrite and the method that closes its listening socket. */
    private record Target(String className, String closeMethod) {
        String internalName() {
            return className.replace('.', '/');
        }
    }

    /** Rewrites the three classes, and only them, each time they are (re)transformed. */
    private static final class Transformer implements ClassFileTransformer {
        private final Map<String, Throwable> failures = new ConcurrentHashMap<>();

        @Override
        public byte[] transform(ClassLoader loader, String className, Class<?> classBeingRedefined,
                                ProtectionDomain protectionDomain, byte[] classfileBuffer) {
            if (loader != null || classBeingRedefined == null) {
                return null; // the three are boot classes, loaded before the transformer is added
            }
            for (Target target : TARGETS) {
                if (target.internalName().equals(className)) {
                    try {
                        return BridgeCalls.rewrite(target.className(), classfileBuffer, target.closeMethod());
                    } catch (Throwable t) {
                        // Thrown out of a transformer, it would be ignored silently by the JVM.
                        failures.put(target.className(), t);
                        return null;
                    }
                }
            }
            return null;
        }
    }
}
