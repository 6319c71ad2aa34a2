package dev.updater.agent.bind;

import net.bytebuddy.ByteBuddy;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.scaffold.InstrumentedType;
import net.bytebuddy.dynamic.scaffold.MethodGraph;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.pool.TypePool;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.net.SocketAddress;
import java.security.ProtectionDomain;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;

import static net.bytebuddy.matcher.ElementMatchers.isDeclaredBy;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * Installs the bind hook (DESIGN §7): advice on the JDK's three listening-socket bind paths and
 * their closes, so that every listening address the host binds reaches the agent, and, with
 * {@code UPDATER_REUSE_PORT=true}, is bound with {@code SO_REUSEPORT}.
 *
 * <p>Runs on the agent's thread, never in {@code premain}: Byte Buddy is loaded here. The three
 * classes are loaded first (without initialising them) and then retransformed, so Byte Buddy's
 * work is done on this thread and not on a host thread that loads one of them; the transformer
 * stays registered, because a later retransformation by another agent starts again from the
 * original bytes and would otherwise drop the advice. Without {@code AgentBuilder}: the
 * transformer matches three names, which keeps the classes Byte Buddy loads, and the time, small.
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
            throw new IllegalStateException("Byte Buddy could not rewrite " + transformer.failures);
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
        private final Advice onBind = Advice.to(BindAdvice.OnBind.class);
        private final Advice onClose = Advice.to(BindAdvice.OnClose.class);
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
                        return rewrite(classBeingRedefined, target, classfileBuffer);
                    } catch (Throwable t) {
                        // Thrown out of a transformer, it would be ignored silently by the JVM.
                        failures.put(target.className(), t);
                        return null;
                    }
                }
            }
            return null;
        }

        private byte[] rewrite(Class<?> type, Target target, byte[] original) {
            TypeDescription description = TypeDescription.ForLoadedType.of(type);
            ClassFileLocator locator = new ClassFileLocator.Compound(
                    ClassFileLocator.Simple.of(type.getName(), original), ClassFileLocator.ForClassLoader.ofBootLoader());
            ElementMatcher.Junction<MethodDescription> bind = named("bind")
                    .and(takesArguments(SocketAddress.class, int.class)).and(isDeclaredBy(description));
            ElementMatcher.Junction<MethodDescription> close = named(target.closeMethod()).and(takesArguments(0))
                    .and(isDeclaredBy(description));
            // Frozen: a retransformation may not add or change members, only method bodies.
            return new ByteBuddy()
                    .with(TypeValidation.DISABLED)
                    .with(Implementation.Context.Disabled.Factory.INSTANCE)
                    .with(InstrumentedType.Factory.Default.FROZEN)
                    .with(MethodGraph.Compiler.ForDeclaredMethods.INSTANCE)
                    .redefine(description, locator)
                    .visit(new AsmVisitorWrapper.ForDeclaredMethods()
                            .method(bind, onBind)
                            .method(close, onClose))
                    .make(TypePool.Default.of(locator))
                    .getBytes();
        }
    }
}
