package dev.updater.agent.bind;

import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Rewrites one of the three JDK classes so that its listening socket's {@code bind} and close call
 * {@link BindBridge}: {@code beforeBind(this, address)} first in {@code bind(SocketAddress, int)},
 * {@code bound(this)} before each of its returns (a bind that throws reports nothing), and
 * {@code closed(this)} first in the close method (a socket whose close was called is going away, even
 * when the close then throws).
 *
 * <p>With the ASM that Byte Buddy carries, not Byte Buddy's {@code Advice}: the calls are a few
 * instructions with no branch, so no stack map frame changes and nothing needs computing, and the
 * agent's thread loads about 30 classes instead of about 700 (0.3 s of CPU on a cold JVM, issue 12
 * asks for at most 50 ms). Every method other than the two is copied as it is.
 *
 * <p>The inserted calls cannot throw into the host: {@link BindBridge}'s methods catch every
 * {@code Throwable} themselves, and the call links to a class of {@code java.base} itself that is
 * already defined and initialised ({@link BridgeInjection} and {@link BindHook} do that before any
 * class is rewritten).
 */
final class BridgeCalls extends ClassVisitor {
    private static final String BRIDGE = BridgeInjection.BRIDGE.replace('.', '/');
    /** {@code bind(SocketAddress, int)}, whatever it returns (void, or the channel itself). */
    private static final String BIND_PARAMETERS = "(Ljava/net/SocketAddress;I)";
    private static final int SKIPPED = Opcodes.ACC_STATIC | Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE
            | Opcodes.ACC_BRIDGE | Opcodes.ACC_SYNTHETIC;

    private final String closeMethod;
    private int bindMethods;
    private int closeMethods;

    private BridgeCalls(ClassVisitor writer, String closeMethod) {
        super(Opcodes.ASM9, writer);
        this.closeMethod = closeMethod;
    }

    /**
     * The class file with the calls added.
     *
     * @throws IllegalStateException when the class does not have exactly one of each method (a JDK
     *         whose classes changed: the class is then left as it is)
     * @throws IllegalArgumentException when this ASM cannot read the class file's version
     */
    static byte[] rewrite(String className, byte[] original, String closeMethod) {
        ClassReader reader = new ClassReader(original);
        // Given the reader, the writer copies the constant pool and every method not rewritten unparsed.
        ClassWriter writer = new ClassWriter(reader, 0);
        BridgeCalls calls = new BridgeCalls(writer, closeMethod);
        reader.accept(calls, 0);
        if (calls.bindMethods != 1 || calls.closeMethods != 1) {
            throw new IllegalStateException(className + " has " + calls.bindMethods + " bind(SocketAddress, int) and "
                    + calls.closeMethods + " " + closeMethod + "() methods where 1 of each was expected");
        }
        return writer.toByteArray();
    }

    @Override
    public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                     String[] exceptions) {
        MethodVisitor method = super.visitMethod(access, name, descriptor, signature, exceptions);
        if ((access & SKIPPED) != 0) {
            return method;
        }
        if (name.equals("bind") && descriptor.startsWith(BIND_PARAMETERS)) {
            bindMethods++;
            return new OnBind(method);
        }
        if (name.equals(closeMethod) && descriptor.equals("()V")) {
            closeMethods++;
            return new OnClose(method);
        }
        return method;
    }

    /** {@code beforeBind(this, address)} on entry, {@code bound(this)} before every return. */
    private static final class OnBind extends MethodVisitor {
        OnBind(MethodVisitor method) {
            super(Opcodes.ASM9, method);
        }

        @Override
        public void visitCode() {
            super.visitCode();
            super.visitVarInsn(Opcodes.ALOAD, 0);
            super.visitVarInsn(Opcodes.ALOAD, 1);
            super.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, "beforeBind",
                    "(Ljava/lang/Object;Ljava/net/SocketAddress;)V", false);
        }

        @Override
        public void visitInsn(int opcode) {
            if (opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN) {
                super.visitVarInsn(Opcodes.ALOAD, 0);
                super.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, "bound", "(Ljava/lang/Object;)V", false);
            }
            super.visitInsn(opcode);
        }

        @Override
        public void visitMaxs(int maxStack, int maxLocals) {
            // Two slots on the empty entry stack; one above whatever a return leaves (its value).
            super.visitMaxs(Math.max(maxStack + 1, 2), maxLocals);
        }
    }

    /** {@code closed(this)} on entry. */
    private static final class OnClose extends MethodVisitor {
        OnClose(MethodVisitor method) {
            super(Opcodes.ASM9, method);
        }

        @Override
        public void visitCode() {
            super.visitCode();
            super.visitVarInsn(Opcodes.ALOAD, 0);
            super.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, "closed", "(Ljava/lang/Object;)V", false);
        }

        @Override
        public void visitMaxs(int maxStack, int maxLocals) {
            super.visitMaxs(Math.max(maxStack, 1), maxLocals);
        }
    }
}
