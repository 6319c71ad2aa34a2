package dev.updater.core.download;

import dev.updater.core.UpdaterException;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A response body handed from the HTTP client's threads to the calling thread, which writes and
 * hashes it while its {@link Watchdog} keeps time. Unlike {@code BodyHandlers.ofInputStream()}, a
 * wait here is never stuck in a socket read: the caller polls in slices and, to stop, cancels the
 * subscription, which closes the connection.
 *
 * <p>The "body" the client completes is this stream itself, complete from the start, so the response
 * future completes with the headers and the bytes follow through {@link #next}; a connection that
 * breaks mid-body therefore always reaches {@link #next} as an error after the bytes that did
 * arrive, never as a failed response that loses them. At most
 * {@link #WINDOW} chunks are requested ahead, which bounds the memory held here.
 */
final class BodyStream implements HttpResponse.BodySubscriber<BodyStream> {
    static final int WINDOW = 64;

    private static final Object END = new Object();

    private record Failure(Throwable cause) {
    }

    private final BlockingQueue<Object> items = new LinkedBlockingQueue<>();
    private final CompletableFuture<BodyStream> body = CompletableFuture.completedFuture(this);
    private volatile Flow.Subscription subscription;
    private volatile boolean cancelled;
    /** The client ended the body: an HTTP/1.1 connection is back in its pool, and a cancel would close it. */
    private volatile boolean ended;
    private boolean finished;

    /** A stream that refuses its body at once (redirects, errors): the connection is closed, not drained. */
    static BodyStream discarding() {
        BodyStream stream = new BodyStream();
        stream.cancelled = true;
        return stream;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        if (subscription != null) {
            s.cancel();
            return;
        }
        subscription = s;
        if (cancelled) {
            s.cancel();
        } else {
            s.request(WINDOW);
        }
    }

    @Override
    public void onNext(List<ByteBuffer> chunk) {
        if (!cancelled) {
            items.add(chunk);
        }
    }

    @Override
    public void onError(Throwable t) {
        items.add(new Failure(t));
    }

    @Override
    public void onComplete() {
        ended = true;
        items.add(END);
    }

    @Override
    public CompletionStage<BodyStream> getBody() {
        return body;
    }

    /**
     * The next chunk of the body, or null at its end. Waits in slices, asking the watchdog between
     * them; each chunk counts as progress. Throws the watchdog's reason, or an {@link IOException}
     * when the connection failed.
     */
    List<ByteBuffer> next(Watchdog watchdog) throws UpdaterException, IOException {
        if (finished) {
            return null;
        }
        while (true) {
            Object item;
            try {
                item = items.poll(watchdog.sliceNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                cancel();
                throw watchdog.interrupted();
            }
            if (item == null) {
                checkOrCancel(watchdog);
                continue;
            }
            if (item == END) {
                finished = true;
                return null;
            }
            if (item instanceof Failure failure) {
                finished = true;
                throw failure.cause() instanceof IOException io ? io : new IOException(failure.cause());
            }
            List<ByteBuffer> chunk = takeMore(item);
            watchdog.touch();
            // A drip-feeding server delivers often enough never to leave the poll idle: check anyway.
            checkOrCancel(watchdog);
            return chunk;
        }
    }

    /**
     * The chunk just taken plus every chunk already waiting, as one list, and as many requested
     * again: one gathering write and one demand signal per batch instead of per 16 KiB chunk.
     */
    @SuppressWarnings("unchecked")
    private List<ByteBuffer> takeMore(Object first) {
        List<ByteBuffer> batch = (List<ByteBuffer>) first;
        int taken = 1;
        Object more;
        while (taken < WINDOW && (more = items.peek()) instanceof List) {
            items.poll();
            if (taken == 1) {
                batch = new ArrayList<>(batch);
            }
            batch.addAll((List<ByteBuffer>) more);
            taken++;
        }
        subscription.request(taken);
        return batch;
    }

    /**
     * Stops the body: the connection is closed and later chunks are dropped; a body the client already
     * ended is left alone. Idempotent, any thread.
     */
    void cancel() {
        cancelled = true;
        Flow.Subscription s = subscription;
        if (s != null && !ended) {
            s.cancel();
        }
        items.clear();
    }

    private void checkOrCancel(Watchdog watchdog) throws UpdaterException {
        try {
            watchdog.check();
        } catch (UpdaterException e) {
            cancel();
            throw e;
        }
    }
}
