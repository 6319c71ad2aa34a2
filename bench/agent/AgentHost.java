import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.ThreadInfo;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The host JVM of the agent benchmark (bench/agent/run.sh), packed as host.jar with
 * Implementation-Version 1.0.0 and started with or without {@code -javaagent:updater.jar}.
 * Like a service, it listens on a loopback port (so the agent's readiness probe fires once).
 * It uses no Jackson and no HTTP: it reads the agent's {@code agent.json} with a regex.
 *
 * <pre>
 * started HOME              waits until the agent wrote agent.json (run.sh checks the start-up
 *                           benchmark's agent configuration with it) and prints it.
 * cpu HOME CHECKS           samples, every 10 ms, the CPU time of the threads named updater-*,
 *                           HttpClient* and ForkJoinPool.commonPool* (JDK 25's HttpClient completes
 *                           sendAsync futures there): after the
 *                           agent's start-up (agent.json written, agent thread idle), after the first
 *                           check (lastCheckAt appears) and after CHECKS checks. A thread that ended
 *                           keeps the CPU it had at its last sample.
 * footprint HOME|- AT_MS READY_FILE DONE_FILE
 *                           waits until AT_MS after JVM start (and, with an agent, a completed check),
 *                           runs System.gc() three times, prints heap used and the threads, writes
 *                           READY_FILE, and waits for DONE_FILE (run.sh takes a class histogram meanwhile).
 * </pre>
 * Output: {@code key=value} lines and {@code thread=...} lines, parsed by run.sh.
 */
public final class AgentHost {
    private static final Pattern LAST_CHECK = Pattern.compile("\"lastCheckAt\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern RESULT = Pattern.compile("\"lastCheckResult\"\\s*:\\s*\"([^\"]*)\"");
    private static final Pattern ERROR = Pattern.compile("\"lastError\"\\s*:\\s*\"([^\"]*)\"");

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    /** Thread id → name of the threads counted as the agent's, and their last CPU time seen. */
    private static final Map<Long, String> counted = new HashMap<>();
    private static final Map<Long, Long> cpu = new HashMap<>();
    private static final Map<Long, Boolean> seen = new HashMap<>();

    public static void main(String[] args) throws Exception {
        try (ServerSocket service = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            switch (args[0]) {
                case "started" -> started(Path.of(args[1], "agent.json"));
                case "cpu" -> cpu(Path.of(args[1], "agent.json"), Integer.parseInt(args[2]));
                case "footprint" -> footprint(args[1].equals("-") ? null : Path.of(args[1], "agent.json"),
                        Long.parseLong(args[2]), Path.of(args[3]), Path.of(args[4]));
                default -> throw new IllegalArgumentException("mode cpu or footprint, not " + args[0]);
            }
        }
    }

    private static void started(Path agentJson) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!Files.exists(agentJson)) {
            pause(deadline, "agent.json");
        }
        System.out.println(read(agentJson));
    }

    private static void cpu(Path agentJson, int checks) throws Exception {
        long deadline = System.nanoTime() + 120_000_000_000L;
        // 1. start-up: agent.json written, no check yet, the agent thread's CPU still for 300 ms.
        while (!Files.exists(agentJson)) {
            sample();
            pause(deadline, "agent.json");
        }
        long startup = -1;
        long startupProcess = -1;
        long lastAgentCpu = -1;
        long stillSince = System.nanoTime();
        String text = read(agentJson);
        while (find(LAST_CHECK, text) == null) {
            sample();
            long agentCpu = agentThreadCpu();
            if (agentCpu != lastAgentCpu) {
                lastAgentCpu = agentCpu;
                stillSince = System.nanoTime();
            } else if (startup < 0 && System.nanoTime() - stillSince > 300_000_000L) {
                startup = sum();
                startupProcess = processCpuButMain();
            }
            pause(deadline, "the first check");
            text = read(agentJson);
        }
        // 2. the first check.
        sample();
        long first = sum();
        long firstProcess = processCpuButMain();
        String firstResult = find(RESULT, text);
        String firstError = find(ERROR, text);
        // 3. the later checks.
        List<String> checkTimes = new ArrayList<>(List.of(find(LAST_CHECK, text)));
        while (checkTimes.size() < checks) {
            sample();
            pause(deadline, checks + " checks");
            text = read(agentJson);
            String at = find(LAST_CHECK, text);
            if (at != null && !at.equals(checkTimes.get(checkTimes.size() - 1))) {
                checkTimes.add(at);
            }
        }
        sample();
        long last = sum();
        long lastProcess = processCpuButMain();
        System.out.println("startup_cpu_ms=" + (startup < 0 ? "NaN" : ms(startup)));
        System.out.println("first_check_cpu_ms=" + (startup < 0 ? "NaN" : ms(first - startup)));
        System.out.println("startup_and_first_check_cpu_ms=" + ms(first));
        System.out.println("later_check_cpu_ms=" + ms((last - first) / (checks - 1)));
        System.out.println("process_startup_cpu_ms=" + (startupProcess < 0 ? "NaN" : ms(startupProcess)));
        System.out.println("process_first_check_cpu_ms=" + (startupProcess < 0 ? "NaN" : ms(firstProcess - startupProcess)));
        System.out.println("process_later_check_cpu_ms=" + ms((lastProcess - firstProcess) / (checks - 1)));
        System.out.println("checks=" + checkTimes.size());
        System.out.println("first_result=" + firstResult);
        System.out.println("first_error=" + firstError);
        System.out.println("last_result=" + find(RESULT, text));
        System.out.println("last_error=" + find(ERROR, text));
        Map<String, Long> byName = new TreeMap<>();
        counted.forEach((id, name) -> byName.merge(name, cpu.getOrDefault(id, 0L), Long::sum));
        byName.forEach((name, ns) -> System.out.println("thread_cpu=" + name + " " + ms(ns) + " ms"
                + (alive(name) ? "" : " (ended)")));
    }

    private static void footprint(Path agentJson, long atMs, Path readyFile, Path doneFile) throws Exception {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (ManagementFactory.getRuntimeMXBean().getUptime() < atMs) {
            Thread.sleep(20);
        }
        if (agentJson != null) {
            while (find(LAST_CHECK, read(agentJson)) == null) {
                System.err.println("footprint: no check completed at " + atMs + " ms yet; waiting");
                pause(deadline, "the first check");
            }
            String text = read(agentJson);
            System.out.println("result=" + find(RESULT, text));
            System.out.println("error=" + find(ERROR, text));
        }
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        System.out.println("uptime_ms=" + ManagementFactory.getRuntimeMXBean().getUptime());
        System.out.println("heap_used_bytes=" + ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getName().equals("Metaspace")) {
                System.out.println("metaspace_used_bytes=" + pool.getUsage().getUsed());
            }
        }
        for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (info != null) {
                System.out.println("thread=" + info.getThreadName());
            }
        }
        System.out.flush();
        Files.writeString(readyFile, Long.toString(ProcessHandle.current().pid()));
        while (!Files.exists(doneFile)) {
            pause(deadline, "the class histogram");
        }
    }

    private static boolean counts(String name) {
        return name.startsWith("updater-") || name.startsWith("HttpClient") || name.startsWith("ForkJoinPool.commonPool");
    }

    /** Records the CPU time of every counted thread; threads that ended keep their last value. */
    private static void sample() {
        long[] ids = THREADS.getAllThreadIds();
        List<Long> wanted = new ArrayList<>();
        for (long id : ids) {
            if (!seen.containsKey(id)) {
                ThreadInfo info = THREADS.getThreadInfo(id);
                boolean match = info != null && counts(info.getThreadName());
                seen.put(id, match);
                if (match) {
                    counted.put(id, info.getThreadName());
                }
            }
            if (seen.get(id)) {
                wanted.add(id);
            }
        }
        long[] wantedIds = wanted.stream().mapToLong(Long::longValue).toArray();
        long[] times = THREADS.getThreadCpuTime(wantedIds);
        for (int i = 0; i < wantedIds.length; i++) {
            if (times[i] >= 0) {
                cpu.put(wantedIds[i], times[i]);
            }
        }
    }

    private static long sum() {
        return cpu.values().stream().mapToLong(Long::longValue).sum();
    }

    private static long agentThreadCpu() {
        long total = 0;
        for (Map.Entry<Long, String> e : counted.entrySet()) {
            if (e.getValue().equals("updater-agent")) {
                total += cpu.getOrDefault(e.getKey(), 0L);
            }
        }
        return total;
    }

    private static boolean alive(String name) {
        for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (info != null && info.getThreadName().equals(name)) {
                return true;
            }
        }
        return false;
    }

    /** The whole process's CPU (JIT and GC threads included) less this host's own main thread. */
    private static long processCpuButMain() {
        return OS.getProcessCpuTime() - THREADS.getCurrentThreadCpuTime();
    }

    private static String read(Path file) throws Exception {
        for (int attempt = 0; ; attempt++) {
            try {
                return Files.readString(file);
            } catch (NoSuchFileException e) {
                if (attempt > 50) {
                    throw e;
                }
                Thread.sleep(2);
            }
        }
    }

    private static String find(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        return m.find() ? m.group(1) : null;
    }

    private static void pause(long deadline, String what) throws InterruptedException {
        if (System.nanoTime() > deadline) {
            System.out.println("error=timed out waiting for " + what);
            System.exit(2);
        }
        Thread.sleep(10);
    }

    private static String ms(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.1f", nanos / 1e6);
    }

    private AgentHost() {
    }
}
