package io.qgate.gateway.proxy;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.qgate.routing.batch.BatchableRequest;

/**
 * A request waiting in a {@link Batcher}. It is answered from its share of a batched call, or
 * goes on as a {@link Relay} of its own when it leaves alone or its batch failed; either way
 * exactly once. The request keeps its bytes until then: a failed batch still has every member's
 * original bytes to send.
 */
final class BatchWait implements Stage {

    private final ClientRequest request;
    private final BatchableRequest batchable;
    /** Answered, handed to a relay of its own, or abandoned by the client. */
    private boolean over;

    BatchWait(ClientRequest request, BatchableRequest batchable) {
        this.request = request;
        this.batchable = batchable;
    }

    ClientRequest request() {
        return request;
    }

    BatchableRequest batchable() {
        return batchable;
    }

    /** Still waiting for an answer (false once answered, sent on alone, or the client left). */
    boolean waiting() {
        return !over;
    }

    /** Sends the request on its own, with the retries and timeouts of any single request. */
    void sendAlone() {
        if (!over) {
            over = true;
            request.relay();
        }
    }

    /**
     * Answers the client with its share of the batch's answer.
     *
     * @param headers the replica's response headers as every member gets them (copied here)
     */
    void answer(HttpResponseStatus status, HttpHeaders headers, byte[] body) {
        if (over) {
            return;
        }
        over = true;
        boolean keepAlive = request.keepAlive();
        FullHttpResponse response = new DefaultFullHttpResponse(request.version, status,
                Unpooled.wrappedBuffer(body), headers.copy(), EmptyHttpHeaders.INSTANCE);
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        HttpUtil.setKeepAlive(response, keepAlive);
        // The whole body leaves in one write, so the first byte and the last go together.
        request.firstByte();
        request.respond(response, keepAlive);
    }

    @Override
    public void clientClosed() {
        over = true;
    }
}
