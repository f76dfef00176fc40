package io.qgate.gateway.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpUtil;

/**
 * Aggregates a request body up to the limit and answers {@code Expect: 100-continue}. A body over
 * the limit becomes a {@link RejectedRequest} (answered with an OpenAI-style 413 by the
 * {@link FrontendHandler}, in order) instead of Netty's plain-text answer.
 */
final class BodyLimitAggregator extends HttpObjectAggregator {

    private final int maxBodySize;

    BodyLimitAggregator(int maxBodySize) {
        super(maxBodySize);
        this.maxBodySize = maxBodySize;
    }

    @Override
    protected Object newContinueResponse(HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
        // A declared length over the limit: no 100 Continue, and the 413 comes from
        // handleOversizedMessage as JSON rather than Netty's own empty answer.
        if (declaredLength(start) > maxContentLength) {
            return null;
        }
        return super.newContinueResponse(start, maxContentLength, pipeline);
    }

    /**
     * The Content-Length, or -1 when there is none or it is not a number: a request the decoder
     * refused still passes here on its way to being answered 400, and a NumberFormatException
     * thrown here would close the connection without that answer.
     */
    private static long declaredLength(HttpMessage message) {
        try {
            return HttpUtil.getContentLength(message, -1L);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        ctx.fireChannelRead(new RejectedRequest(ErrorResponses.TOO_LARGE,
                "The request body is larger than the gateway's limit of " + maxBodySize + " bytes.",
                oversized.protocolVersion()));
    }
}
