import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/** The spike's native calls with the FFM API (JDK 22+): java --enable-native-access=ALL-UNNAMED -cp jna.jar SpikeFfm.java */
public class SpikeFfm {
    public static void main(String[] args) throws Exception {
        Spike.run(FfmSys::new);
    }

    static final class FfmSys implements Spike.Sys {
        private static final Linker LINKER = Linker.nativeLinker();
        private static final StructLayout ERRNO = Linker.Option.captureStateLayout();
        private static final VarHandle ERRNO_VALUE = ERRNO.varHandle(MemoryLayout.PathElement.groupElement("errno"));
        private static final Linker.Option CAPTURE = Linker.Option.captureCallState("errno");
        private final MethodHandle syscall3 = handle("syscall", FunctionDescriptor.of(ValueLayout.JAVA_LONG,
                ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG), Linker.Option.firstVariadicArg(1), CAPTURE);
        private final MethodHandle syscall4 = handle("syscall", FunctionDescriptor.of(ValueLayout.JAVA_LONG,
                ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG),
                Linker.Option.firstVariadicArg(1), CAPTURE);
        private final MethodHandle setsockopt = handle("setsockopt", FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT), CAPTURE);
        private final MethodHandle getsockopt = handle("getsockopt", FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS), CAPTURE);
        private final MethodHandle close = handle("close", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), CAPTURE);

        private static MethodHandle handle(String name, FunctionDescriptor descriptor, Linker.Option... options) {
            return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), descriptor, options);
        }

        private static int result(long r, MemorySegment state) {
            return r < 0 ? -(int) ERRNO_VALUE.get(state, 0L) : (int) r;
        }

        public int pidfdOpen(long pid) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment state = arena.allocate(ERRNO);
                return result((long) syscall3.invokeExact(state, 434L, pid, 0L), state);
            } catch (Throwable t) { throw new IllegalStateException(t); }
        }
        public int pidfdGetfd(int pidfd, int fd) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment state = arena.allocate(ERRNO);
                return result((long) syscall4.invokeExact(state, 438L, (long) pidfd, (long) fd, 0L), state);
            } catch (Throwable t) { throw new IllegalStateException(t); }
        }
        public int setsockoptProgram(int fd, int optname, long[] insns) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment state = arena.allocate(ERRNO);
                MemorySegment filter = arena.allocate(8L * insns.length, 8);
                for (int i = 0; i < insns.length; i++) {
                    filter.set(ValueLayout.JAVA_SHORT, 8L * i, (short) (insns[i] >>> 48));
                    filter.set(ValueLayout.JAVA_BYTE, 8L * i + 2, (byte) (insns[i] >>> 40));
                    filter.set(ValueLayout.JAVA_BYTE, 8L * i + 3, (byte) (insns[i] >>> 32));
                    filter.set(ValueLayout.JAVA_INT, 8L * i + 4, (int) insns[i]);
                }
                MemorySegment fprog = arena.allocate(16, 8);
                fprog.set(ValueLayout.JAVA_SHORT, 0, (short) insns.length);
                fprog.set(ValueLayout.ADDRESS, 8, filter);
                return result((int) setsockopt.invokeExact(state, fd, Spike.SOL_SOCKET, optname, fprog, 16), state);
            } catch (Throwable t) { throw new IllegalStateException(t); }
        }
        public int getsockoptInt(int fd, int level, int optname) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment state = arena.allocate(ERRNO);
                MemorySegment value = arena.allocate(ValueLayout.JAVA_INT);
                MemorySegment len = arena.allocate(ValueLayout.JAVA_INT);
                len.set(ValueLayout.JAVA_INT, 0, 4);
                int r = (int) getsockopt.invokeExact(state, fd, level, optname, value, len);
                return r < 0 ? result(r, state) : value.get(ValueLayout.JAVA_INT, 0);
            } catch (Throwable t) { throw new IllegalStateException(t); }
        }
        public int close(int fd) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment state = arena.allocate(ERRNO);
                return result((int) close.invokeExact(state, fd), state);
            } catch (Throwable t) { throw new IllegalStateException(t); }
        }
    }
}
