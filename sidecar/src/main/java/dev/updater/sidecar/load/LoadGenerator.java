package dev.updater.sidecar.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * An open-loop HTTP load: requests go out on a fixed schedule whatever the server does, so a server
 * that stalls collects late answers and failures instead of slowing the client down. Even requests
 * open a new connection ({@code Connection: close}); odd ones use a keep-alive connection from a
 * pool. A keep-alive request is retried once, on a new connection, only when the server closed the
 * reused connection before any byte of the answer, as HTTP clients do; every other error counts as
 * a failed request with its {@link FailureReason}.
 *
 * <p>Plain sockets, not the JDK's {@code HttpClient}: the client pools connections on its own, and
 * retries and reconnects inside {@code send}, so a reset it absorbed would never be counted, and it
 * cannot be told to open a new connection for half of the requests.
 *
 * <pre>{@code
 * try (LoadGenerator load = LoadGenerator.start(LoadSettings.of(URI.create("http://127.0.0.1:8080/"), 300))) {
 *     … update the server …
 *     load.mark("cut-over");
 *     LoadReport report = load.stop();
 *     assertEquals(0, report.failures().size(), report.toString());
 * }
 * }</pre>
 *
 * <p>Also a command for benchmarks and for a private network namespace:
 * {@code java -cp updater-sidecar.jar dev.updater.sidecar.load.LoadGenerator URL RATE [SECONDS]}.
 * Without SECONDS it runs until its standard input ends; a line {@code mark NAME} names a moment,
 * {@code stop} stops it. It prints a timeline, the windows between marks, and a {@code RESULT} line.
 */
public final class LoadGenerator implements AutoCloseable {
    private final LoadSettings settings;
    private final ExecutorService workers;
    private final Deque<HttpConnection> idle = new ConcurrentLinkedDeque<>();
    private final Queue<Sample> samples = new ConcurrentLinkedQueue<>();
    private final List<LoadReport.Mark> marks = Collections.synchronizedList(new ArrayList<>());
    private final Thread scheduler;
    private final long startedAt;
    private volatile boolean running = true;
    private LoadReport report;

    private LoadGenerator(LoadSettings settings) {
        this.settings = settings;
        AtomicInteger count = new AtomicInteger();
        this.workers = Executors.newCachedThreadPool(task -> {
            Thread t = new Thread(task, "load-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.startedAt = System.nanoTime();
        this.scheduler = new Thread(this::schedule, "load-schedule");
        scheduler.setDaemon(true);
        scheduler.setPriority(Thread.MAX_PRIORITY);
    }

    /** Starts sending at once. */
    public static LoadGenerator start(LoadSettings settings) {
        LoadGenerator load = new LoadGenerator(settings);
        load.scheduler.start();
        return load;
    }

    /** Names this moment; {@link LoadReport#betweenMarks()} cuts the run there. */
    public void mark(String name) {
        marks.add(new LoadReport.Mark(name, System.nanoTime()));
    }

    /** Stops sending, waits for the requests in flight (at most their timeout), and reports. */
    public synchronized LoadReport stop() throws InterruptedException {
        if (report == null) {
            running = false;
            LockSupport.unpark(scheduler);
            scheduler.join();
            long stoppedAt = System.nanoTime();
            workers.shutdown();
            if (!workers.awaitTermination(settings.timeout().toMillis() * 2 + 1_000, TimeUnit.MILLISECONDS)) {
                workers.shutdownNow();
            }
            for (HttpConnection c = idle.poll(); c != null; c = idle.poll()) {
                c.close();
            }
            report = new LoadReport(startedAt, stoppedAt, new ArrayList<>(samples), marks);
        }
        return report;
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    private void schedule() {
        long period = 1_000_000_000L / settings.ratePerSecond();
        for (long i = 0; running; i++) {
            long at = startedAt + i * period;
            for (long wait = at - System.nanoTime(); wait > 0 && running; wait = at - System.nanoTime()) {
                LockSupport.parkNanos(wait);
            }
            if (!running) {
                return;
            }
            boolean keepAlive = (i & 1) == 1;
            workers.execute(() -> samples.add(keepAlive ? keepAlive(at) : newConnection(at)));
        }
    }

    private Sample newConnection(long at) {
        long start = System.nanoTime();
        try (HttpConnection c = open()) {
            return answered(at, start, false, false, c.get(settings.hostHeader(), settings.path(), true));
        } catch (IOException e) {
            return failed(at, start, false, false, e);
        }
    }

    /** A pooled connection; the one retry of HTTP clients when the server closed a reused one before answering. */
    private Sample keepAlive(long at) {
        long start = System.nanoTime();
        HttpConnection c = idle.pollFirst();
        boolean reused = c != null;
        boolean retried = false;
        try {
            if (c == null) {
                c = open();
            }
            int status;
            try {
                status = c.get(settings.hostHeader(), settings.path(), false);
            } catch (HttpConnection.ClosedBeforeResponse e) {
                if (!reused) {
                    throw e;
                }
                c.close();
                retried = true;
                c = open();
                status = c.get(settings.hostHeader(), settings.path(), false);
            }
            if (c.reusable() && running) {
                idle.offerFirst(c);
            } else {
                c.close();
            }
            return answered(at, start, true, retried, status);
        } catch (IOException e) {
            if (c != null) {
                c.close();
            }
            return failed(at, start, true, retried, e);
        }
    }

    private HttpConnection open() throws IOException {
        return HttpConnection.open(settings.address(), (int) settings.timeout().toMillis());
    }

    private static Sample answered(long at, long start, boolean keepAlive, boolean retried, int status) {
        long now = System.nanoTime();
        FailureReason failure = status / 100 == 2 ? null : FailureReason.STATUS;
        return new Sample(at, now - at, start - at, keepAlive, retried, failure, failure == null ? null : "status " + status);
    }

    private static Sample failed(long at, long start, boolean keepAlive, boolean retried, IOException e) {
        return new Sample(at, System.nanoTime() - at, start - at, keepAlive, retried, reason(e), e.toString());
    }

    static FailureReason reason(IOException e) {
        if (e instanceof ConnectException) {
            return FailureReason.REFUSED;
        }
        if (e instanceof SocketTimeoutException) {
            return FailureReason.TIMEOUT;
        }
        if (e instanceof HttpConnection.MalformedAnswer) {
            return FailureReason.MALFORMED;
        }
        String message = String.valueOf(e.getMessage());
        // "forcibly closed" is how Windows words a reset
        if (e instanceof HttpConnection.ClosedBeforeResponse || e instanceof java.io.EOFException
                || message.contains("reset") || message.contains("Broken pipe") || message.contains("forcibly closed")) {
            return FailureReason.RESET;
        }
        return FailureReason.OTHER;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2 || args.length > 3) {
            System.err.println("usage: LoadGenerator URL RATE [SECONDS]   (without SECONDS: until standard input ends;"
                    + " lines 'mark NAME' and 'stop' on standard input)");
            System.exit(2);
        }
        LoadSettings settings = LoadSettings.of(URI.create(args[0]), Integer.parseInt(args[1]));
        LoadGenerator load = start(settings);
        System.out.println("STARTED " + settings.hostHeader() + settings.path() + " at " + settings.ratePerSecond() + "/s");
        System.out.flush();
        Thread commands = new Thread(() -> readCommands(load, args.length == 2), "load-commands");
        commands.setDaemon(true);
        commands.start();
        if (args.length == 3) {
            long end = System.nanoTime() + Duration.ofSeconds(Long.parseLong(args[2])).toNanos();
            while (load.running && System.nanoTime() < end) {
                Thread.sleep(20);
            }
        } else {
            commands.join();
        }
        LoadReport report = load.stop();
        report.timeline(Duration.ofSeconds(1)).forEach(w -> System.out.println("SECOND " + w.line()));
        report.betweenMarks().forEach(w -> System.out.println("WINDOW " + w.line()));
        report.failures().stream().limit(20).forEach(s -> System.out.println("FAILED " + s.failure() + " " + s.detail()));
        System.out.println(report.resultLine());
    }

    private static void readCommands(LoadGenerator load, boolean stopAtEnd) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.startsWith("mark ")) {
                    String name = line.substring(5).strip();
                    load.mark(name);
                    System.out.println("MARKED " + name); // the driver may act only once the moment is named
                    System.out.flush();
                } else if (line.strip().equals("stop")) {
                    load.running = false;
                    return;
                }
            }
        } catch (IOException e) {
            // standard input unreadable: as if it ended
        }
        if (stopAtEnd) {
            load.running = false;
        }
    }
}
