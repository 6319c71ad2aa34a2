package dev.updater.sidecar.supervise;

import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

import java.io.IOException;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * This process's own program image on Linux, and {@code execve(2)} of it again, through JNA (as
 * {@code overlap} mode calls Linux): the {@code java} it runs ({@code /proc/self/exe}) and its
 * arguments as it was started ({@code /proc/self/cmdline}, byte for byte: the JVM options, the jar
 * and the program arguments, nothing reconstructed).
 *
 * <p>Before the call every fd above 2 is marked close-on-exec, none is closed. Threat: an fd that
 * survived the exec would live on in the new image, unknown to it: the sidecar.lock channel (a second
 * open file description on the lock file, which the new sidecar's own close would then drop), the
 * replaced jar (its deleted inode kept on disk), the metrics socket (its port held by nobody that
 * answers). Closing them instead is unsafe while the JVM's other threads run: a number closed under
 * a thread that still uses it can be reused by the next open and that thread then writes into the
 * wrong file; and when {@code execve} fails the old sidecar must go on with all of them open.
 * Close-on-exec changes nothing for the running image and takes effect only if the exec succeeds.
 */
final class ProcessImage {
    private static final int F_SETFD = 2;
    private static final int FD_CLOEXEC = 1;
    private static final int SIG_SETMASK = 2;
    private static final int SIGSET_BYTES = 128; // glibc's sigset_t: 1024 bits

    /** What to exec: the {@code java} binary and {@code argv}, each as the raw bytes the kernel holds. */
    record Plan(Path java, List<byte[]> argv) {
        String describe() {
            return java + " with its " + argv.size() + " arguments from /proc/self/cmdline";
        }
    }

    /** A call that failed: {@code errno} says why. */
    static final class ExecFailed extends Exception {
        ExecFailed(String message) {
            super(message);
        }
    }

    private ProcessImage() {
    }

    /**
     * This process's {@code java} and arguments; fails saying why when they cannot be told, or the
     * binary it runs was deleted (a JDK upgraded under it: exec'ing its path would run another java).
     */
    static Plan current() throws ExecFailed {
        try {
            Path java = Files.readSymbolicLink(Path.of("/proc/self/exe"));
            if (java.toString().endsWith(" (deleted)") || !Files.isRegularFile(java)) {
                throw new ExecFailed("the java this sidecar runs, " + java + ", is no longer on disk");
            }
            return new Plan(java, split(Files.readAllBytes(Path.of("/proc/self/cmdline"))));
        } catch (IOException | UnsupportedOperationException e) {
            throw new ExecFailed("cannot read /proc/self/exe and /proc/self/cmdline: " + e);
        }
    }

    /** The NUL-terminated words of a {@code /proc/PID/cmdline}. */
    static List<byte[]> split(byte[] cmdline) {
        List<byte[]> words = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < cmdline.length; i++) {
            if (cmdline[i] == 0) {
                words.add(Arrays.copyOfRange(cmdline, start, i));
                start = i + 1;
            }
        }
        if (start < cmdline.length) {
            words.add(Arrays.copyOfRange(cmdline, start, cmdline.length));
        }
        return words;
    }

    /** Loads libc through JNA; {@link LinkageError} when JNA's native part cannot load here. */
    static NativeLibrary libc() {
        return NativeLibrary.getInstance("c");
    }

    /**
     * Marks every fd above 2 close-on-exec, clears this thread's signal mask (a JVM thread blocks
     * SIGQUIT, and exec keeps the mask), asks {@code proceed} a last time, and calls {@code execv}, which
     * keeps the environment. Returns false, with this process as it was (its mask restored, its fds
     * still open; close-on-exec changes nothing without an exec), when {@code proceed} said no: it is
     * asked after all the slow work, so that as little as possible lies between its answer and the exec.
     *
     * @throws ExecFailed when the exec failed, with this process as it was
     */
    static boolean exec(NativeLibrary libc, Plan plan, BooleanSupplier proceed) throws ExecFailed {
        Function fcntl = libc.getFunction("fcntl");
        for (int fd : openFds()) {
            if (fd > 2 && fcntl.invokeInt(new Object[] {fd, F_SETFD, FD_CLOEXEC}) < 0 && Native.getLastError() != 9) {
                throw new ExecFailed("fcntl(" + fd + ", F_SETFD, FD_CLOEXEC) failed with errno " + Native.getLastError());
            }
        }
        Memory empty = new Memory(SIGSET_BYTES);
        empty.clear();
        Memory saved = new Memory(SIGSET_BYTES);
        Function sigmask = libc.getFunction("pthread_sigmask");
        sigmask.invokeInt(new Object[] {SIG_SETMASK, empty, saved});
        List<Memory> keep = new ArrayList<>(); // referenced until the call returns, so no word is freed under it
        Memory argv = new Memory((long) Native.POINTER_SIZE * (plan.argv().size() + 1));
        for (int i = 0; i < plan.argv().size(); i++) {
            keep.add(cString(plan.argv().get(i)));
            argv.setPointer((long) Native.POINTER_SIZE * i, keep.get(i));
        }
        argv.setPointer((long) Native.POINTER_SIZE * plan.argv().size(), Pointer.NULL);
        Memory path = cString(plan.java().toString().getBytes(StandardCharsets.UTF_8));
        Function execv = libc.getFunction("execv");
        if (!proceed.getAsBoolean()) {
            sigmask.invokeInt(new Object[] {SIG_SETMASK, saved, null});
            return false;
        }
        execv.invokeInt(new Object[] {path, argv});
        int errno = Native.getLastError();
        Reference.reachabilityFence(keep);
        Reference.reachabilityFence(path);
        Reference.reachabilityFence(argv);
        sigmask.invokeInt(new Object[] {SIG_SETMASK, saved, null});
        throw new ExecFailed("execve(" + plan.java() + ") failed with errno " + errno + " (" + name(errno) + ")");
    }

    /** The fds open now, from {@code /proc/self/fd} (the listing's own fd among them, closed when it is read). */
    private static List<Integer> openFds() throws ExecFailed {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.map(p -> Integer.parseInt(p.getFileName().toString())).toList();
        } catch (IOException | NumberFormatException e) {
            throw new ExecFailed("cannot list /proc/self/fd: " + e);
        }
    }

    private static Memory cString(byte[] bytes) {
        Memory memory = new Memory(bytes.length + 1L);
        memory.write(0, bytes, 0, bytes.length);
        memory.setByte(bytes.length, (byte) 0);
        return memory;
    }

    private static String name(int errno) {
        return switch (errno) {
            case 1 -> "EPERM";
            case 2 -> "ENOENT";
            case 7 -> "E2BIG";
            case 8 -> "ENOEXEC";
            case 12 -> "ENOMEM";
            case 13 -> "EACCES";
            case 26 -> "ETXTBSY";
            default -> "see errno(3)";
        };
    }
}
