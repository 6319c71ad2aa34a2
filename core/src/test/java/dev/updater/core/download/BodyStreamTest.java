package dev.updater.core.download;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BodyStreamTest {
    /** What the client's side of the body was asked: the demand signals and cancels, in order. */
    private static final class Recorded implements Flow.Subscription {
        final List<String> calls = new ArrayList<>();

        @Override
        public void request(long n) {
            calls.add("request " + n);
        }

        @Override
        public void cancel() {
            calls.add("cancel");
        }
    }

    /** The client ends a body after handing its HTTP/1.1 connection back to the pool; a cancel then would close it. */
    @Test
    void cancel_afterTheClientEndedTheBody_leavesTheSubscriptionAlone() {
        BodyStream body = new BodyStream();
        Recorded subscription = new Recorded();
        body.onSubscribe(subscription);
        body.onComplete();

        body.cancel();

        assertEquals(List.of("request " + BodyStream.WINDOW), subscription.calls);
    }

    @Test
    void cancel_beforeTheBodyEnded_cancelsTheSubscription() {
        BodyStream body = new BodyStream();
        Recorded subscription = new Recorded();
        body.onSubscribe(subscription);

        body.cancel();

        assertEquals(List.of("request " + BodyStream.WINDOW, "cancel"), subscription.calls);
    }
}
