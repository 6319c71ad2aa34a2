package dev.updater.agent.bind;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.security.ProtectionDomain;
import java.util.Map;
import java.util.Set;

/**
 * Defines {@link BindBridge} in the bootstrap class loader, where the advice inlined into
 * {@code java.base} can reach it, and lets {@code java.base} read the bootstrap loader's unnamed
 * module it lands in (a named module reads no unnamed one by default, so the advice's call would
 * fail to link).
 *
 * <p>Defined from bytes with the JDK's internal {@code jdk.internal.misc.Unsafe.defineClass} (same
 * signature on JDK 17 to 25), which {@link Instrumentation#redefineModule} exports to the agent's
 * loader alone. Not {@link Instrumentation#appendToBootstrapClassLoaderSearch}: appending a jar to
 * the bootstrap path makes the JVM print "Sharing is only supported for boot loader classes because
 * bootstrap classpath has been appended" into the host's output and stops class data sharing for
 * every class the host loads afterwards, a slower host for the sake of one class. No file is
 * written either.
 */
final class BridgeInjection {
    static final String BRIDGE = "dev.updater.agent.bind.BindBridge";
    private static final String INTERNAL_MISC = "jdk.internal.misc";

    private BridgeInjection() {
    }

    /** The bootstrap loader's {@code BindBridge}: the one a previous agent load defined, or a new one. */
    static Class<?> inject(Instrumentation instrumentation) throws Exception {
        Class<?> bridge = loadedBridge();
        if (bridge == null) {
            bridge = define(instrumentation, bytes());
        }
        Module javaBase = Object.class.getModule();
        if (!javaBase.canRead(bridge.getModule())) {
            instrumentation.redefineModule(javaBase, Set.of(bridge.getModule()), Map.of(), Map.of(), Set.of(),
                    Map.of());
        }
        return bridge;
    }

    private static Class<?> define(Instrumentation instrumentation, byte[] bytes) throws Exception {
        Module javaBase = Object.class.getModule();
        Module agent = BridgeInjection.class.getModule();
        if (!javaBase.isExported(INTERNAL_MISC, agent)) {
            instrumentation.redefineModule(javaBase, Set.of(), Map.of(INTERNAL_MISC, Set.of(agent)), Map.of(),
                    Set.of(), Map.of());
        }
        Class<?> unsafeType = Class.forName(INTERNAL_MISC + ".Unsafe");
        Object unsafe = unsafeType.getMethod("getUnsafe").invoke(null);
        Method defineClass = unsafeType.getMethod("defineClass", String.class, byte[].class, int.class, int.class,
                ClassLoader.class, ProtectionDomain.class);
        try {
            return (Class<?>) defineClass.invoke(unsafe, BRIDGE, bytes, 0, bytes.length, null, null);
        } catch (java.lang.reflect.InvocationTargetException e) {
            if (e.getCause() instanceof LinkageError) {
                // Another thread (a second agent load) defined it meanwhile: use that one.
                return Class.forName(BRIDGE, false, null);
            }
            throw e;
        }
    }

    private static Class<?> loadedBridge() {
        try {
            return Class.forName(BRIDGE, false, null);
        } catch (ClassNotFoundException e) {
            return null;
        }
    }

    private static byte[] bytes() throws IOException {
        String entry = BRIDGE.replace('.', '/') + ".class";
        try (InputStream in = BridgeInjection.class.getClassLoader().getResourceAsStream(entry)) {
            if (in == null) {
                throw new IOException("the agent has no " + entry + " to define in the bootstrap class loader");
            }
            return in.readAllBytes();
        }
    }
}
