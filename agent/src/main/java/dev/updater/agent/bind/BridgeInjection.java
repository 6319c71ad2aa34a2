package dev.updater.agent.bind;

import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.commons.ClassRemapper;
import net.bytebuddy.jar.asm.commons.SimpleRemapper;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandles;
import java.util.Map;
import java.util.Set;

/**
 * Defines {@link BindBridge} inside {@code java.base}, as {@value #BRIDGE} (a name no JDK class has),
 * where the calls {@link BridgeCalls} adds to {@code java.net} and {@code sun.nio.ch} can reach it:
 * a class of the same module needs no read edge and no export to be linked.
 *
 * <p>How: {@link Instrumentation#redefineModule} opens {@code sun.nio.ch} to the agent's own loader
 * alone, and a private {@link MethodHandles.Lookup} on one of that package's classes defines the
 * bridge there from the agent's copy, renamed. Not {@code jdk.internal.misc.Unsafe.defineClass} into
 * the bootstrap loader's unnamed module: that needs the agent to be given {@code Unsafe} and
 * java.base to read that module, and calling it reflectively spins method handles for its six
 * parameters, about 40 ms of the agent thread's CPU on JDK 25 where the whole hook's budget is
 * 50 ms ({@code Lookup.defineClass}: about 4 ms). Not
 * {@link Instrumentation#appendToBootstrapClassLoaderSearch}: appending a jar to the bootstrap path
 * makes the JVM print "Sharing is only supported for boot loader classes because bootstrap classpath
 * has been appended" into the host's output and stops class data sharing for every class the host
 * loads afterwards. No file is written either.
 */
final class BridgeInjection {
    /** The bridge's name inside java.base: the package of two of the three hooked classes. */
    static final String BRIDGE = "sun.nio.ch.UpdaterBindBridge";
    private static final String PACKAGE = "sun.nio.ch";
    private static final String ANCHOR = "sun.nio.ch.ServerSocketChannelImpl";

    private BridgeInjection() {
    }

    /** java.base's bridge: the one a previous agent load defined, or a new one. */
    static Class<?> inject(Instrumentation instrumentation) throws Exception {
        Module javaBase = Object.class.getModule();
        Module agent = BridgeInjection.class.getModule();
        if (!javaBase.isOpen(PACKAGE, agent)) {
            instrumentation.redefineModule(javaBase, Set.of(), Map.of(), Map.of(PACKAGE, Set.of(agent)), Set.of(),
                    Map.of());
        }
        Class<?> bridge = loadedBridge();
        return bridge != null ? bridge : define(bytes());
    }

    private static Class<?> define(byte[] bytes) throws Exception {
        MethodHandles.Lookup inPackage = MethodHandles.privateLookupIn(Class.forName(ANCHOR, false, null),
                MethodHandles.lookup());
        try {
            return inPackage.defineClass(bytes);
        } catch (LinkageError e) {
            // Another thread (a second agent load) defined it meanwhile: use that one.
            Class<?> defined = loadedBridge();
            if (defined == null) {
                throw e;
            }
            return defined;
        }
    }

    private static Class<?> loadedBridge() {
        try {
            return Class.forName(BRIDGE, false, null);
        } catch (ClassNotFoundException e) {
            return null;
        }
    }

    /** The agent's {@link BindBridge} class file, renamed to {@link #BRIDGE}. */
    private static byte[] bytes() throws IOException {
        String own = "dev/updater/agent/bind/BindBridge"; // a name, not BindBridge.class: this loader never loads it
        String entry = own + ".class";
        try (InputStream in = BridgeInjection.class.getClassLoader().getResourceAsStream(entry)) {
            if (in == null) {
                throw new IOException("the agent has no " + entry + " to define in java.base");
            }
            ClassReader reader = new ClassReader(in.readAllBytes());
            ClassWriter writer = new ClassWriter(0);
            reader.accept(new ClassRemapper(writer, new SimpleRemapper(own, BRIDGE.replace('.', '/'))), 0);
            return writer.toByteArray();
        }
    }
}
