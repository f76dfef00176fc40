package io.qgate.gateway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.qgate.routing.Router;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request to one replica: takes a pooled connection, writes the request, watches the
 * first-byte and idle timeouts, hands the response on as head, body and end, gives the
 * connection back (to the pool when it can carry another request) and finishes the router's
 * dispatch with its verdict on the replica. Used by the single relay ({@link Relay}) and by the
 * batched call ({@link BatchCall}), which say what to write and what to do with the answer.
 *
 * <p>Each callback comes at most once per {@link #send}, on the event loop of the pool, and none
 * after the call {@linkplain #stop() stopped}. A failure has released the connection already.
 */
abstract class UpstreamCall extends TimeoutSweeper.Watched implements UpstreamPool.Acquirer, UpstreamListener {

    private static final Logger log = LoggerFactory.getLogger(UpstreamCall.class);
    /**
     * A request body up to this size is copied behind its head, so that a small request leaves in
     * one write (each write is a trip through the pipeline and an entry in the outbound buffer);
     * {@link RelayedResponseWriter} does the same for answers.
     */
    private static final int MERGE_LIMIT = 2048;

    /** Why a call failed; the connection is released by then. */
    enum Failure {
        /** No connection could be had (connect refused or timed out, pool exhausted). */
        CONNECT,
        /** The connection closed or failed, before or during the response. */
        CLOSED,
        /** No response head within the first-byte timeout. */
        NO_HEAD,
        /** The replica went silent in the middle of the response for the idle timeout. */
        SILENT
    }

    final UpstreamPool pool;
    /** The replica of the current attempt; kept once finished, to give late connections back. */
    Router.Dispatch dispatch;
    private Channel upstream;
    private boolean reused;
    private boolean headRequest;
    private boolean relayChunkFraming;
    private boolean headArrived;
    private boolean reusable;
    private boolean stopped;
    private boolean readPaused;
    private boolean betweenChunksAtFailure;
    private long sentNanos;
    private long lastReadNanos;

    UpstreamCall(UpstreamPool pool) {
        this.pool = pool;
    }

    /**
     * Sends the request to {@code dispatch}'s replica (again, after a failure).
     *
     * @param reuseIdle         whether an idle pooled connection may be taken (see {@link UpstreamPool#acquire})
     * @param headRequest       the request is a HEAD: its response has no body
     * @param relayChunkFraming a chunked body is handed on with its chunk framing
     */
    final void send(Router.Dispatch dispatch, boolean reuseIdle, boolean headRequest, boolean relayChunkFraming) {
        this.dispatch = dispatch;
        headArrived = false;
        this.headRequest = headRequest;
        this.relayChunkFraming = relayChunkFraming;
        pool.acquire(dispatch.endpoint(), this, reuseIdle);
    }

    /** Writes the request on {@code channel}, with {@link #write}. */
    abstract void writeRequest(Channel channel);

    /** The response head; the body follows unless {@link #releaseUpstream} is called. */
    abstract void onHead(ResponseHead head);

    /** Response body bytes, owned by the callee. */
    abstract void onBody(ByteBuf bytes);

    /** The response is complete; its connection is given back already. */
    abstract void onEnd();

    abstract void onFailure(Failure failure, Throwable cause);

    /** The end of one read from the replica (the relay flushes to its client here). */
    void onReadComplete() {
    }

    @Override
    public final void acquired(Channel channel, boolean reused) {
        if (stopped) {
            pool.release(dispatch.endpoint(), channel, true);
            return;
        }
        upstream = channel;
        this.reused = reused;
        headArrived = false;
        UpstreamChannelInitializer.handlerOf(channel).attach(this, headRequest, relayChunkFraming);
        sentNanos = pool.timeouts().nowNanos();
        pool.timeouts().watch(this);
        writeRequest(channel);
    }

    /**
     * Writes the request's head and body; {@code body} is borrowed. A failed write (often a reused
     * connection the replica just closed) is reported to the connection's handler (the void
     * promise fires exceptionCaught), which hands it to this call as a closed connection: it may
     * be retried before this method returns. No listener per request.
     */
    final void write(Channel channel, ByteBuf head, ByteBuf body) {
        if (body.readableBytes() <= MERGE_LIMIT) {
            head.writeBytes(body, body.readerIndex(), body.readableBytes());
            channel.writeAndFlush(head, channel.voidPromise());
        } else {
            channel.write(head, channel.voidPromise());
            channel.writeAndFlush(body.retainedDuplicate(), channel.voidPromise());
        }
    }

    @Override
    public final void acquireFailed(Throwable cause) {
        if (!stopped) {
            failed(Failure.CONNECT, cause);
        }
    }

    @Override
    public final void head(ResponseHead head) {
        if (stopped) {
            return;
        }
        headArrived = true;
        boolean bodyless = headRequest || head.status() == 204 || head.status() == 304;
        // Close-delimited: the connection cannot be reused after it.
        reusable = head.keepAlive() && (head.contentLength() >= 0 || head.chunked() || bodyless);
        onHead(head);
    }

    @Override
    public final void body(ByteBuf bytes) {
        if (stopped || upstream == null) {
            bytes.release();
            return;
        }
        onBody(bytes);
    }

    @Override
    public final void end() {
        if (stopped || upstream == null) {
            return;
        }
        releaseUpstream(reusable);
        stopped = true;
        onEnd();
    }

    @Override
    public final void onUpstreamReadComplete() {
        if (stopped || upstream == null) {
            return;
        }
        lastReadNanos = pool.timeouts().nowNanos();
        onReadComplete();
    }

    @Override
    public final void onUpstreamClosed(Throwable cause) {
        if (!stopped) {
            failed(Failure.CLOSED, cause);
        }
    }

    @Override
    final void expireIfDue(long nowNanos) {
        if (stopped) {
            return;
        }
        TimeoutSweeper timeouts = pool.timeouts();
        if (!headArrived && nowNanos - sentNanos >= timeouts.firstByteNanos()) {
            failed(Failure.NO_HEAD, null);
        } else if (headArrived && nowNanos - lastReadNanos >= timeouts.idleNanos()) {
            failed(Failure.SILENT, null);
        }
    }

    private void failed(Failure failure, Throwable cause) {
        betweenChunksAtFailure = upstream != null && UpstreamChannelInitializer.handlerOf(upstream).betweenChunks();
        releaseUpstream(false);
        onFailure(failure, cause);
    }

    /** The allocator of the call's connection; only while it has one. */
    final ByteBufAllocator upstreamAlloc() {
        return upstream.alloc();
    }

    /** Whether the connection was a pooled one (its failure may say nothing about the replica). */
    final boolean reused() {
        return reused;
    }

    final boolean headArrived() {
        return headArrived;
    }

    /** Whether a relayed chunked body stood between chunks when the call failed. */
    final boolean betweenChunksAtFailure() {
        return betweenChunksAtFailure;
    }

    /** No callback comes any more (the client left, or the caller gave up on the call). */
    final void stop() {
        stopped = true;
    }

    /** Detaches the connection: back to the pool when it can carry another request. */
    final void releaseUpstream(boolean reusable) {
        Channel channel = upstream;
        if (channel == null) {
            return;
        }
        upstream = null;
        readPaused = false;
        UpstreamChannelInitializer.handlerOf(channel).detach();
        pool.release(dispatch.endpoint(), channel, reusable);
    }

    /** Reading from the replica pauses while the client cannot take more, and resumes when it can. */
    final void pauseReading(boolean pause) {
        if (upstream != null && pause != readPaused) {
            readPaused = pause;
            upstream.config().setAutoRead(!pause);
        }
    }

    final boolean readPaused() {
        return readPaused;
    }

    /**
     * The call is over: no more callbacks or timeouts, and the router learns its verdict on the
     * replica (see {@link #finishAttempt}).
     */
    final void finishDispatch(boolean replicaFailed, Object lastFailure) {
        stopped = true;
        pool.timeouts().unwatch(this);
        finishAttempt(replicaFailed, lastFailure);
    }

    /**
     * The router learns its verdict on the current attempt's replica: {@code replicaFailed} counts
     * towards ejecting it. Once per dispatch; later calls do nothing. The call may go on with
     * another {@link #send}.
     */
    final void finishAttempt(boolean replicaFailed, Object lastFailure) {
        if (dispatch != null && dispatch.finish(replicaFailed)) {
            // A Throwable as the last argument would be taken for the log's exception, leaving "{}" unfilled.
            String last = lastFailure instanceof Throwable failure ? failure.toString() : String.valueOf(lastFailure);
            log.warn("replica {} ejected after repeated failures (last: {})", dispatch.endpoint(), last);
        }
    }
}
