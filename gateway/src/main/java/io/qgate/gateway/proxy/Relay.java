package io.qgate.gateway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.FullHttpRequest;
import io.qgate.routing.Endpoint;
import io.qgate.routing.Router;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A client request relayed to one replica and its response relayed back, as bytes, on the event
 * loop of the client connection (the upstream connection lives on the same loop).
 *
 * <p>Backpressure: after each batch read from the replica the gateway flushes to the client; when
 * the client connection stops being writable, reading from the replica pauses (auto-read off)
 * until it drains, so a slow client slows the read from the replica and nothing piles up in
 * between. Toggling only then, rather than asking for every read, saves two system calls per
 * request on the fast path.
 *
 * <p>Retries: a replica that cannot be connected to, or a reused keep-alive connection that
 * turns out closed before any response byte arrived, is retried on another replica up to
 * {@code upstream.connect-attempts}. Nothing is retried once response bytes have reached the
 * client, so a client never gets two answers.
 */
final class Relay extends UpstreamCall implements Stage {

    private static final Logger log = LoggerFactory.getLogger(Relay.class);

    private final ClientRequest request;
    /** Replicas that failed this request; null until one did (most requests never need it). */
    private List<Endpoint> failedEndpoints;
    private int attempts;
    private int statusRetries;
    /** Set when the replica, not the client or the gateway, made this request fail. */
    private boolean replicaFailed;
    private boolean responseBodyless;
    private boolean eventStream;
    private int status;
    /** Counts the answer's work down on its replica; null when the strategy does not route by work. */
    private StreamedTokens streamedTokens;
    /** Writes the response to the client once its head has arrived; null before. */
    private RelayedResponseWriter writer;
    /** Set once a reused connection failed before answering: later attempts open fresh connections. */
    private boolean freshConnection;

    Relay(ClientRequest request) {
        super(request.context.connections().forLoop(request.client.eventLoop()));
        this.request = request;
    }

    void start() {
        Router.Dispatch next = request.pool.router().dispatch(request.routeRequest, excluded());
        if (next == null) {
            if (attempts == 0) {
                fail(ErrorResponses.NO_REPLICA, "No ready replica is available for this request.");
            } else {
                fail(ErrorResponses.UPSTREAM_FAILED, "No replica could be reached after " + attempts
                        + " attempt(s).");
            }
            return;
        }
        attempts++;
        send(next, !freshConnection, request.headRequest(), request.http11());
    }

    private List<Endpoint> excluded() {
        return failedEndpoints != null ? failedEndpoints : List.of();
    }

    private void excludeFromNow(Endpoint endpoint) {
        if (failedEndpoints == null) {
            failedEndpoints = new ArrayList<>(2);
        }
        failedEndpoints.add(endpoint);
    }

    @Override
    void writeRequest(Channel channel) {
        FullHttpRequest http = request.http();
        ByteBuf body = http.content();
        write(channel, UpstreamRequestHead.write(channel.alloc(), http, dispatch.endpoint().authority(),
                request.frontend.forwardedFor(), request.frontend.forwardedProto(), body.readableBytes(), false),
                body);
    }

    @Override
    void onHead(ResponseHead head) {
        if (!retriedElsewhere(head.status())) {
            startResponse(head);
        }
    }

    @Override
    void onBody(ByteBuf bytes) {
        if (writer == null) {
            bytes.release();
            return;
        }
        request.firstByte();
        if (streamedTokens != null) {
            streamedTokens.onBody(dispatch, bytes, eventStream);
        }
        writer.body(bytes);
    }

    /** The response is complete (its connection is back in the pool): write what is left. */
    @Override
    void onEnd() {
        request.firstByte();
        boolean keepAlive = request.keepAlive();
        replicaFailed = status >= 500;
        if (streamedTokens != null && status < 300) {
            streamedTokens.onEnd(eventStream);
        }
        request.lastWrite(writer.finish(), status, keepAlive);
    }

    /**
     * A replica that answers 429 (busy) or 503 (unavailable) before any byte reached the client
     * is skipped for another one, up to {@code upstream.status-retries} times. When no other
     * replica is available the answer is relayed as it is: the client learns what the replica said.
     */
    private boolean retriedElsewhere(int code) {
        if ((code != 429 && code != 503) || statusRetries >= request.context.config().upstream().statusRetries()) {
            return false;
        }
        List<Endpoint> excluded = new ArrayList<>(excluded());
        excluded.add(dispatch.endpoint());
        Router.Dispatch next = request.pool.router().dispatch(request.routeRequest, excluded);
        if (next == null) {
            return false;
        }
        statusRetries++;
        log.debug("replica {} answered {}; retrying on {}", dispatch.endpoint(), code, next.endpoint());
        excludeFromNow(dispatch.endpoint());
        // The unread body makes the connection unusable; a 503 also counts towards ejection.
        releaseUpstream(false);
        finishAttempt(code == 503, "status " + code);
        attempts++;
        send(next, true, request.headRequest(), request.http11());
        return true;
    }

    /**
     * Starts the client's response. The body's framing for the client: as the replica framed it
     * when it gave a length or chunks (HTTP/1.1 clients get the chunks as they are, HTTP/1.0
     * clients the data until the connection closes); a body that runs until the replica closes
     * is put into chunks for an HTTP/1.1 client.
     */
    private void startResponse(ResponseHead head) {
        status = head.status();
        boolean http11 = request.http11();
        responseBodyless = request.headRequest() || status == 204 || status == 304;
        eventStream = head.eventStream();
        Router router = request.pool.router();
        streamedTokens = router.routesByWork() ? new StreamedTokens(router, request.routeRequest.model()) : null;
        boolean chunked = false;
        if (head.contentLength() < 0 && !responseBodyless) {
            if (http11) {
                chunked = true;
            } else {
                request.closeAfter();
            }
        }
        writer = RelayedResponseWriter.start(request.frontend.rawOut(), head, http11, request.keepAlive(), chunked,
                chunked && !head.chunked());
    }

    @Override
    void onReadComplete() {
        if (writer != null) {
            writer.endOfRead();
        }
        Channel client = request.client;
        client.flush();
        if (!client.isWritable()) {
            pauseReading(true);
        }
    }

    /** The client connection can take more: resume reading from the replica. */
    @Override
    public void clientWritable() {
        pauseReading(false);
    }

    @Override
    void onFailure(Failure failure, Throwable cause) {
        switch (failure) {
            case CONNECT -> {
                log.debug("connecting to {} failed: {}", dispatch.endpoint(), cause.toString());
                retryOrFail(cause, true);
            }
            case CLOSED -> {
                if (writer == null) {
                    // A reused keep-alive connection the replica closed while idle: try a fresh one.
                    retryOrFail(cause, !reused());
                } else {
                    log.debug("replica {} closed the connection mid-response: {}", dispatch.endpoint(), cause);
                    abortResponse("The replica closed the connection before the response was complete.");
                }
            }
            case NO_HEAD -> {
                long seconds = TimeUnit.NANOSECONDS.toSeconds(pool.timeouts().firstByteNanos());
                log.debug("replica {} sent no response head in {}s", dispatch.endpoint(), seconds);
                replicaFailed = true;
                status = ErrorResponses.UPSTREAM_TIMEOUT.status().code();
                fail(ErrorResponses.UPSTREAM_TIMEOUT, "The replica did not answer within " + seconds + "s.");
            }
            case SILENT -> abortResponse("The replica sent nothing for "
                    + TimeUnit.NANOSECONDS.toSeconds(pool.timeouts().idleNanos()) + "s in the middle of the response.");
        }
    }

    private void retryOrFail(Throwable cause, boolean endpointFailed) {
        finishAttempt(endpointFailed, cause == null ? "connection closed" : cause);
        if (endpointFailed) {
            excludeFromNow(dispatch.endpoint());
        } else {
            // A pooled connection the replica had closed or reset. When the replica died, its other
            // idle connections are dead too and their close is not processed yet: taking them would
            // spend every attempt on the same replica. A fresh connection answers at once, and a
            // refused one counts as the replica's failure.
            freshConnection = true;
        }
        if (attempts < request.context.config().upstream().connectAttempts()) {
            start();
            return;
        }
        String reason = cause == null ? "connection closed" : cause.getMessage();
        fail(ErrorResponses.UPSTREAM_FAILED, "The replica could not be reached (" + reason + ").");
    }

    /** The client went away: stop the replica's work on it and never reuse that connection. */
    @Override
    public void clientClosed() {
        if (writer != null) {
            writer.discard();
        }
        releaseUpstream(false);
        stop();
        replicaFailed = false;
    }

    /**
     * The response head is out, so no error status can be sent: end the response visibly. An
     * event stream gets an error event first when one can go in whole (between chunks); the
     * connection then closes, which a client sees as a truncated response.
     */
    private void abortResponse(String message) {
        boolean appendEvent = eventStream && betweenEvents();
        stop();
        request.closeAfter();
        String event = appendEvent
                ? "event: error\ndata: " + ErrorResponses.UPSTREAM_FAILED.body(message) + "\n\n" : null;
        writer.abort(event).addListener(ChannelFutureListener.CLOSE);
        replicaFailed = true;
        status = ErrorResponses.UPSTREAM_FAILED.status().code();
        request.complete(status, false);
    }

    /** Whether the client's body stands where a whole event of the gateway's own can be added. */
    private boolean betweenEvents() {
        if (!writer.chunked()) {
            return !responseBodyless;
        }
        return writer.wrapsInChunks() || betweenChunksAtFailure();
    }

    private void fail(ErrorResponses error, String message) {
        stop();
        request.answerError(error, message);
    }

    /** The request is over: no more timeouts, and the router learns the verdict on the replica. */
    @Override
    public void ended() {
        finishDispatch(replicaFailed, replicaFailed ? "status " + status : null);
    }
}
