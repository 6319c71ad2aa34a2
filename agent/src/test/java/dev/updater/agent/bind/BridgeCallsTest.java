package dev.updater.agent.bind;

import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The rewrite of the running JDK's own three classes: which calls land where, and nothing else changes. */
class BridgeCallsTest {
    private static final String BRIDGE = "sun/nio/ch/UpdaterBindBridge";

    @ParameterizedTest
    @CsvSource({"java/net/ServerSocket, close", "sun/nio/ch/ServerSocketChannelImpl, implCloseSelectableChannel",
            "sun/nio/ch/AsynchronousServerSocketChannelImpl, close"})
    void rewrite_addsBeforeBindFirst_boundBeforeEachReturn_closedFirst_andLeavesEveryOtherMethodAsItWas(
            String internalName, String closeMethod) throws IOException {
        byte[] original = jdkClass(internalName);

        byte[] rewritten = BridgeCalls.rewrite(internalName.replace('/', '.'), original, closeMethod);

        Map<String, List<String>> before = bridgeCallsAndReturns(original);
        Map<String, List<String>> after = bridgeCallsAndReturns(rewritten);
        String bind = after.keySet().stream().filter(m -> m.startsWith("bind(Ljava/net/SocketAddress;I)")).findFirst()
                .orElseThrow();
        List<String> bindCalls = after.get(bind);
        assertEquals("beforeBind", bindCalls.get(0));
        long returns = before.get(bind).stream().filter("return"::equals).count();
        assertEquals(returns, bindCalls.stream().filter("bound"::equals).count(), "one bound(this) per return");
        for (int i = 1; i < bindCalls.size(); i++) {
            assertEquals(bindCalls.get(i).equals("return"), bindCalls.get(i - 1).equals("bound"), bindCalls.toString());
        }
        assertEquals("closed", after.get(closeMethod + "()V").get(0));
        assertEquals(1, after.get(closeMethod + "()V").stream().filter("closed"::equals).count());
        for (String method : before.keySet()) {
            if (!method.equals(bind) && !method.equals(closeMethod + "()V")) {
                assertEquals(before.get(method), after.get(method), method);
            }
        }
        assertEquals(before.keySet(), after.keySet());
    }

    @Test
    void rewrite_ofAClassWithoutTheMethods_refusesAndSaysWhatIsMissing() throws IOException {
        byte[] object = jdkClass("java/lang/Object");

        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> BridgeCalls.rewrite("java.lang.Object", object, "close"));

        assertEquals("java.lang.Object has 0 bind(SocketAddress, int) and 0 close() methods where 1 of each was"
                + " expected", refused.getMessage());
        assertArrayEquals(jdkClass("java/lang/Object"), object);
    }

    private static byte[] jdkClass(String internalName) throws IOException {
        try (InputStream in = URI.create("jrt:/java.base/" + internalName + ".class").toURL().openStream()) {
            return in.readAllBytes();
        }
    }

    /** Per method (name + descriptor): the bridge methods it calls and its returns, in order. */
    private static Map<String, List<String>> bridgeCallsAndReturns(byte[] bytes) {
        Map<String, List<String>> methods = new LinkedHashMap<>();
        new ClassReader(bytes).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                List<String> seen = new ArrayList<>();
                methods.put(name + descriptor, seen);
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitMethodInsn(int opcode, String owner, String method, String desc, boolean itf) {
                        if (owner.equals(BRIDGE)) {
                            seen.add(method);
                        }
                    }

                    @Override
                    public void visitInsn(int opcode) {
                        if (opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN) {
                            seen.add("return");
                        }
                    }
                };
            }
        }, 0);
        return methods;
    }
}
