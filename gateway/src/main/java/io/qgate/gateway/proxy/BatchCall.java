package io.qgate.gateway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.qgate.gateway.metrics.BatchMeters;
import io.qgate.routing.RouteRequest;
import io.qgate.routing.Router;
import io.qgate.routing.batch.Batch;
import io.qgate.routing.batch.BatchSplit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * One upstream call carrying a {@link Batch}: the merged request goes to the replica the router
 * picks, the whole answer is collected, split with {@link BatchSplit}, and each member gets its
 * share. Nothing reaches any client before the answer is complete and split, so when anything
 * goes wrong (no replica, connect failure, a non-2xx answer that one member's input may have
 * caused, a timeout, an answer that cannot be split) every member is simply sent again on its
 * own, with the retries and timeouts of a single request: a bad input fails only its own
 * request, and no client loses its answer or gets two.
 */
final class BatchCall extends TimeoutSweeper.Watched implements UpstreamPool.Acquirer, UpstreamListener {

    private static final Logger log = LoggerFactory.getLogger(BatchCall.class);
    /** A batch of 32 embeddings of 4096 floats is about 3 MiB of JSON; beyond this, something is off. */
    private static final int MAX_ANSWER_BYTES = 64 * 1024 * 1024;
    /** A replica's cost header is the batch's total, wrong for any one member. */
    private static final String BATCH_COST_HEADER = "x-litellm-response-cost";
    private static final String BATCH_SIZE_HEADER = "x-qgate-batch-size";

    private final Batcher batcher;
    private final ProxyContext context;
    private final EventLoop loop;
    private final Batch batch;
    private final List<BatchMember> members;
    private final BatchMeters meters;

    private Router.Dispatch dispatch;
    private UpstreamPool pool;
    private Channel upstream;
    private boolean upstreamReused;
    private boolean done;
    /** The replica's status and headers (hop-by-hop ones already left out), once its head arrived. */
    private HttpResponseStatus status;
    private HttpHeaders headers;
    private boolean upstreamKeepAlive;
    private CompositeByteBuf answer;
    private long requestSentNanos;
    private long lastUpstreamActivityNanos;

    BatchCall(Batcher batcher, ProxyContext context, EventLoop loop, Batch batch, List<BatchMember> members,
              BatchMeters meters) {
        this.batcher = batcher;
        this.context = context;
        this.loop = loop;
        this.batch = batch;
        this.members = members;
        this.meters = meters;
    }

    void start() {
        RouteRequest first = members.get(0).routeRequest();
        // Each input is a sequence in the engine: the batch weighs that much in routing.
        dispatch = context.router().dispatch(new RouteRequest(batch.route(), first.model(), false), List.of(),
                batch.itemCount());
        if (dispatch == null) {
            fallBack("no replica is available", false);
            return;
        }
        pool = context.pools().forLoop(loop);
        pool.acquire(dispatch.endpoint(), this);
    }

    @Override
    public void acquired(Channel channel, boolean reused) {
        if (done) {
            pool.release(dispatch.endpoint(), channel, true);
            return;
        }
        upstream = channel;
        upstreamReused = reused;
        UpstreamChannelInitializer.handlerOf(channel).attach(this, false, false);
        requestSentNanos = System.nanoTime();
        pool.timeouts().watch(this);
        writeRequest(channel);
        channel.writeAndFlush(Unpooled.wrappedBuffer(batch.body())).addListener(f -> {
            if (!f.isSuccess() && channel == upstream) {
                onUpstreamClosed(f.cause());
            }
        });
    }

    @Override
    public void acquireFailed(Throwable cause) {
        fallBack("connecting to " + dispatch.endpoint() + " failed: " + cause, true);
    }

    /**
     * The merged request goes with the first member's headers: every member has the same identity
     * headers (they are part of the batch key). The answer must be plain JSON to be split, so no
     * compression is asked for.
     */
    private void writeRequest(Channel channel) {
        BatchMember first = members.get(0);
        byte[] body = batch.body();
        channel.write(UpstreamRequestHead.write(channel.alloc(), first.request(), dispatch.endpoint().authority(),
                first.frontend().forwardedFor(), first.frontend().forwardedProto(), body.length, true),
                channel.voidPromise());
    }

    @Override
    public void head(ResponseHead response) {
        if (done) {
            return;
        }
        if (response.status() / 100 != 2) {
            // The unread body makes the connection unusable.
            releaseUpstream(false);
            fallBack("the replica answered " + response.status(), response.status() >= 500);
            return;
        }
        status = response.httpStatus();
        headers = response.headers();
        upstreamKeepAlive = response.keepAlive() && (response.contentLength() >= 0 || response.chunked());
        answer = upstream.alloc().compositeBuffer(1024);
    }

    @Override
    public void body(ByteBuf bytes) {
        if (done || answer == null) {
            bytes.release();
            return;
        }
        answer.addComponent(true, bytes);
        if (answer.readableBytes() > MAX_ANSWER_BYTES) {
            releaseUpstream(false);
            fallBack("the answer exceeds " + MAX_ANSWER_BYTES + " bytes", false);
        }
    }

    @Override
    public void end() {
        if (done || answer == null) {
            return;
        }
        releaseUpstream(upstreamKeepAlive);
        deliver();
    }

    private void deliver() {
        byte[] bytes = ByteBufUtil.getBytes(answer);
        List<byte[]> shares;
        try {
            shares = BatchSplit.split(batch, bytes);
        } catch (BatchSplit.UnsplittableException e) {
            fallBack("the answer cannot be split: " + e.getMessage(), false);
            return;
        }
        finish(false);
        headers.remove(HttpHeaderNames.CONTENT_LENGTH);
        headers.remove(BATCH_COST_HEADER);
        headers.setInt(BATCH_SIZE_HEADER, members.size());
        for (int i = 0; i < members.size(); i++) {
            members.get(i).answer(status, headers, shares.get(i));
        }
        batcher.callEnded();
    }

    @Override
    public void onUpstreamReadComplete() {
        // The answer is collected whole before anything is written, so there is nothing to flush.
        lastUpstreamActivityNanos = System.nanoTime();
    }

    @Override
    public void onUpstreamClosed(Throwable cause) {
        if (done) {
            return;
        }
        releaseUpstream(false);
        // A reused keep-alive connection the replica closed while idle says nothing about the replica.
        boolean replicaFailed = !upstreamReused || status != null;
        fallBack("the connection closed" + (cause == null ? "" : ": " + cause), replicaFailed);
    }

    @Override
    void expireIfDue(long nowNanos) {
        if (done) {
            return;
        }
        if (status == null && nowNanos - requestSentNanos >= context.config().upstream().firstByteTimeout().toNanos()) {
            releaseUpstream(false);
            fallBack("no response head within " + context.config().upstream().firstByteTimeout(), true);
        } else if (status != null
                && nowNanos - lastUpstreamActivityNanos >= context.config().upstream().idleTimeout().toNanos()) {
            releaseUpstream(false);
            fallBack("the replica went silent mid-answer", true);
        }
    }

    private void releaseUpstream(boolean reusable) {
        Channel channel = upstream;
        if (channel == null) {
            return;
        }
        upstream = null;
        UpstreamChannelInitializer.handlerOf(channel).detach();
        pool.release(dispatch.endpoint(), channel, reusable);
    }

    /** Every member goes on alone; the batch's replica is charged only when it was at fault. */
    private void fallBack(String reason, boolean replicaFailed) {
        log.debug("batch of {} requests to {} failed ({}); sending them one by one", members.size(),
                dispatch == null ? "no replica" : dispatch.endpoint(), reason);
        finish(replicaFailed);
        meters.fellBack(batch.route());
        for (BatchMember member : members) {
            member.sendAlone();
        }
        batcher.callEnded();
    }

    private void finish(boolean replicaFailed) {
        done = true;
        if (pool != null) {
            pool.timeouts().unwatch(this);
        }
        if (answer != null) {
            answer.release();
            answer = null;
        }
        if (dispatch != null && dispatch.finish(replicaFailed)) {
            log.warn("replica {} ejected after repeated failures", dispatch.endpoint());
        }
    }
}
