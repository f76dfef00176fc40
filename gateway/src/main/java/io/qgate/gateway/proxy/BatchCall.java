package io.qgate.gateway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
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
final class BatchCall extends UpstreamCall {

    private static final Logger log = LoggerFactory.getLogger(BatchCall.class);
    /** A batch of 32 embeddings of 4096 floats is about 3 MiB of JSON; beyond this, something is off. */
    private static final int MAX_ANSWER_BYTES = 64 * 1024 * 1024;
    /** A replica's cost header is the batch's total, wrong for any one member. */
    private static final String BATCH_COST_HEADER = "x-litellm-response-cost";
    private static final String BATCH_SIZE_HEADER = "x-qgate-batch-size";

    private final Batcher batcher;
    private final Router router;
    private final Batch batch;
    private final List<BatchWait> members;
    private final BatchMeters meters;

    /** The replica's status and headers (hop-by-hop ones already left out), once its head arrived. */
    private HttpResponseStatus status;
    private HttpHeaders headers;
    private CompositeByteBuf answer;

    BatchCall(Batcher batcher, UpstreamPool pool, Router router, Batch batch, List<BatchWait> members,
              BatchMeters meters) {
        super(pool);
        this.batcher = batcher;
        this.router = router;
        this.batch = batch;
        this.members = members;
        this.meters = meters;
    }

    void start() {
        RouteRequest first = members.get(0).request().routeRequest;
        // Each input is a sequence in the engine: the batch weighs that much in routing.
        Router.Dispatch next = router.dispatch(new RouteRequest(batch.route(), first.model(), false), List.of(),
                batch.itemCount());
        if (next == null) {
            fallBack("no replica is available", false);
            return;
        }
        send(next, true, false, false);
    }

    /**
     * The merged request goes with the first member's headers: every member has the same identity
     * headers (they are part of the batch key). The answer must be plain JSON to be split, so no
     * compression is asked for.
     */
    @Override
    void writeRequest(Channel channel) {
        ClientRequest first = members.get(0).request();
        ByteBuf body = Unpooled.wrappedBuffer(batch.body());
        write(channel, UpstreamRequestHead.write(channel.alloc(), first.http(), dispatch.endpoint().authority(),
                first.frontend.forwardedFor(), first.frontend.forwardedProto(), body.readableBytes(), true), body);
        body.release();
    }

    @Override
    void onHead(ResponseHead response) {
        if (response.status() / 100 != 2) {
            // The unread body makes the connection unusable.
            releaseUpstream(false);
            fallBack("the replica answered " + response.status(), response.status() >= 500);
            return;
        }
        status = response.httpStatus();
        headers = response.headers();
        answer = upstreamAlloc().compositeBuffer(1024);
    }

    @Override
    void onBody(ByteBuf bytes) {
        if (answer == null) {
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
    void onEnd() {
        byte[] bytes = ByteBufUtil.getBytes(answer);
        List<byte[]> shares;
        try {
            shares = BatchSplit.split(batch, bytes);
        } catch (BatchSplit.UnsplittableException e) {
            fallBack("the answer cannot be split: " + e.getMessage(), false);
            return;
        }
        finish(false, null);
        headers.remove(HttpHeaderNames.CONTENT_LENGTH);
        headers.remove(BATCH_COST_HEADER);
        headers.setInt(BATCH_SIZE_HEADER, members.size());
        for (int i = 0; i < members.size(); i++) {
            members.get(i).answer(status, headers, shares.get(i));
        }
        batcher.callEnded();
    }

    @Override
    void onFailure(Failure failure, Throwable cause) {
        switch (failure) {
            case CONNECT -> fallBack("connecting to " + dispatch.endpoint() + " failed: " + cause, true);
            // A reused keep-alive connection the replica closed while idle says nothing about the replica.
            case CLOSED -> fallBack("the connection closed" + (cause == null ? "" : ": " + cause),
                    !reused() || headArrived());
            case NO_HEAD -> fallBack("no response head within the first-byte timeout", true);
            case SILENT -> fallBack("the replica went silent mid-answer", true);
        }
    }

    /** Every member goes on alone; the batch's replica is charged only when it was at fault. */
    private void fallBack(String reason, boolean replicaFailed) {
        log.debug("batch of {} requests to {} failed ({}); sending them one by one", members.size(),
                dispatch == null ? "no replica" : dispatch.endpoint(), reason);
        finish(replicaFailed, reason);
        meters.fellBack(batch.route());
        for (BatchWait member : members) {
            member.sendAlone();
        }
        batcher.callEnded();
    }

    private void finish(boolean replicaFailed, String reason) {
        finishDispatch(replicaFailed, reason);
        if (answer != null) {
            answer.release();
            answer = null;
        }
    }
}
