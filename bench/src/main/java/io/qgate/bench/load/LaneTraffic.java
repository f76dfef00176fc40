package io.qgate.bench.load;

import io.netty.handler.codec.http.FullHttpRequest;
import java.net.SocketAddress;
import java.util.SplittableRandom;

/**
 * What a {@link Lane} sends and whom it tells how each request ended: the load generator's
 * workload and counters, or a study's own (the soak's mix of routes and its counts by ending).
 * The lane calls it on its event loop; an implementation shared by several lanes must be
 * thread-safe.
 *
 * @param <R> the study's request
 */
public interface LaneTraffic<R> {

    /** The next request to send; {@code random} belongs to the calling lane. */
    R next(SplittableRandom random);

    /** The request on the wire; a new object each call, since the connection releases it. */
    FullHttpRequest encode(R request);

    /** Whether the answer is to be read as a stream: its first token, not its first byte, is its TTFT. */
    boolean streams(R request);

    /**
     * The fault hook: the client leaves (closes its connection) once this many SSE events of the
     * answer arrived, before {@code [DONE]}, and the request ends as {@link ErrorKinds#ABORTED};
     * 0 never leaves. A load test has no faults; the soak's aborting clients do.
     */
    default int abortAfterEvents(R request) {
        return 0;
    }

    /**
     * The request is being written on a connection to {@code remote}: the soak counts each
     * gateway's requests apart, since a gateway killed loses its own counters.
     */
    default void sentTo(R request, SocketAddress remote) {
    }

    /** A measured request was issued (the warm-up's are not told). */
    void sent(R request);

    /** A measured request ended; every one that was {@link #sent} ends exactly once. */
    void ended(R request, Outcome outcome);

    /** A request was about to end a second time: a bug in the lane, reported rather than counted. */
    default void endedTwice(R request) {
    }
}
