package dev.updater.agent.bind;

import net.bytebuddy.asm.Advice;

import java.net.SocketAddress;

/**
 * The advice Byte Buddy inlines into {@code java.net.ServerSocket},
 * {@code sun.nio.ch.ServerSocketChannelImpl} and {@code sun.nio.ch.AsynchronousServerSocketChannelImpl}.
 * Its code runs inside {@code java.base}, so it names only bootstrap-visible types: the JDK's and
 * {@link BindBridge}, which sits on the bootstrap path. {@code suppress = Throwable.class}: whatever
 * goes wrong in the advice (even a {@code LinkageError} reaching the bridge) is swallowed, and the
 * host's own exception, such as its {@code BindException}, leaves the method unchanged.
 */
final class BindAdvice {
    private BindAdvice() {
    }

    /** On {@code bind(SocketAddress, int)}. */
    static final class OnBind {
        private OnBind() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object socket, @Advice.Argument(0) SocketAddress local) {
            BindBridge.beforeBind(socket, local);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object socket, @Advice.Thrown Throwable thrown) {
            if (thrown == null) {
                BindBridge.bound(socket);
            }
        }
    }

    /** On the method that closes the listening socket. */
    static final class OnClose {
        private OnClose() {
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object socket) {
            BindBridge.closed(socket);
        }
    }
}
