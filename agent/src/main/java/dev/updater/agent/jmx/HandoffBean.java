package dev.updater.agent.jmx;

import dev.updater.core.ErrorCode;
import dev.updater.core.UpdaterException;
import dev.updater.core.text.HumanUnits;
import dev.updater.core.text.Printable;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The host's own, optional {@code dev.updater:type=StateHandoff} MBean (DESIGN §7 "State hand-off"),
 * reached only through the platform MBean server: the host implements any MXBean interface of its own
 * with {@code String save()} and {@code void restore(String)} and imports nothing of ours. Each call runs
 * on a thread of its own, bounded by a timeout. Threat: a {@code save()} that hangs (a lock the host's
 * shutdown holds, a deadlock) would otherwise hang the agent's loop, and with it the update.
 */
public final class HandoffBean {
    public static final String NAME = "dev.updater:type=StateHandoff";

    private HandoffBean() {
    }

    /** True when the host registered it; false too on a runtime without {@code java.management}. */
    public static boolean registered() {
        if (ModuleLayer.boot().findModule("java.management").isEmpty()) {
            return false;
        }
        try {
            return java.lang.management.ManagementFactory.getPlatformMBeanServer()
                    .isRegistered(new javax.management.ObjectName(NAME));
        } catch (javax.management.MalformedObjectNameException | RuntimeException | LinkageError e) {
            return false;
        }
    }

    /**
     * Calls {@code save()}.
     *
     * @return what it returned (null when it returned null)
     * @throws UpdaterException {@code STATE_HANDOFF_FAILED}: it threw (with the host's exception), did not
     *     return within {@code timeout}, or returned something other than a string
     */
    public static String save(Duration timeout) throws UpdaterException {
        Object result = bounded("save()", timeout, () -> invoke("save", new Object[0], new String[0]));
        if (result != null && !(result instanceof String)) {
            throw new UpdaterException(ErrorCode.STATE_HANDOFF_FAILED, NAME + " save() returned a "
                    + result.getClass().getName() + ", not a String; declare it as String save()");
        }
        return (String) result;
    }

    /**
     * Calls {@code restore(state)} once.
     *
     * @throws UpdaterException {@code STATE_HANDOFF_FAILED}: it threw, or did not return within {@code timeout}
     */
    public static void restore(String state, Duration timeout) throws UpdaterException {
        bounded("restore()", timeout, () -> invoke("restore", new Object[] {state},
                new String[] {String.class.getName()}));
    }

    private static Object invoke(String operation, Object[] arguments, String[] signature) throws Exception {
        return java.lang.management.ManagementFactory.getPlatformMBeanServer()
                .invoke(new javax.management.ObjectName(NAME), operation, arguments, signature);
    }

    private static Object bounded(String what, Duration timeout, Callable<Object> call) throws UpdaterException {
        FutureTask<Object> task = new FutureTask<>(call);
        Thread thread = new Thread(task, "updater-agent-handoff");
        thread.setDaemon(true); // a call that never returns must not keep the host from exiting
        thread.start();
        try {
            return task.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            thread.interrupt();
            throw new UpdaterException(ErrorCode.STATE_HANDOFF_FAILED, NAME + " " + what + " did not return within "
                    + HumanUnits.setting(timeout), e);
        } catch (ExecutionException e) {
            throw new UpdaterException(ErrorCode.STATE_HANDOFF_FAILED, NAME + " " + what + " failed: "
                    + Printable.of(hostCause(e.getCause())), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpdaterException(ErrorCode.STATE_HANDOFF_FAILED, NAME + " " + what + " was interrupted", e);
        }
    }

    /** The host's own exception inside the MBean server's wrappers, which only say "operation failed". */
    private static Throwable hostCause(Throwable thrown) {
        Throwable t = thrown;
        while ((t instanceof javax.management.MBeanException || t instanceof javax.management.RuntimeMBeanException
                || t instanceof javax.management.ReflectionException
                || t instanceof java.lang.reflect.UndeclaredThrowableException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
