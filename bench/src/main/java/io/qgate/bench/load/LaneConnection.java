package io.qgate.bench.load;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * One keep-alive connection of a lane, carrying one request at a time (no pipelining, as real
 * OpenAI clients do).
 *
 * <pre>
 * socket ⇄ HttpClientCodec ⇄ LaneConnection → Lane
 * </pre>
 *
 * Every message it reads is released here: nothing is forwarded.
 *
 * @param <R> the study's request
 */
final class LaneConnection<R> extends ChannelInboundHandlerAdapter {

    private final Lane<R> lane;
    private final ResponseReader reader = new ResponseReader();
    private Channel channel;
    private Exchange<R> exchange;
    private int abortAfterEvents;
    private boolean reusable = true;

    LaneConnection(Lane<R> lane) {
        this.lane = lane;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
    }

    /** Whether the next request may go on this connection now. */
    boolean isReusable() {
        return reusable && exchange == null && channel.isActive();
    }

    /** The request in flight, or {@code null}. */
    Exchange<R> exchange() {
        return exchange;
    }

    void send(Exchange<R> next) {
        exchange = next;
        LaneTraffic<R> traffic = lane.traffic();
        reader.begin(traffic.streams(next.request()));
        abortAfterEvents = traffic.abortAfterEvents(next.request());
        traffic.sentTo(next.request(), channel.remoteAddress());
        channel.writeAndFlush(traffic.encode(next.request())).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess() && exchange == next) {
                fail(ErrorKinds.RESET);
            }
        });
    }

    /** Ends the request in flight, if any, as {@code kind}, and closes the connection. */
    void fail(String kind) {
        Exchange<R> failed = exchange;
        exchange = null;
        reusable = false;
        channel.close();
        if (failed != null) {
            lane.complete(this, failed, reader.failed(kind));
        }
    }

    /** Closes without reporting anything: the lane has already accounted for the request. */
    void discard() {
        exchange = null;
        reusable = false;
        channel.close();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (exchange == null) {
                return; // nothing was asked; a stray byte from the server is dropped
            }
            if (((HttpObject) msg).decoderResult().isFailure()) {
                fail(ErrorKinds.BAD_RESPONSE);
                return;
            }
            if (msg instanceof HttpResponse) {
                reader.onHead((HttpResponse) msg);
            }
            if (msg instanceof HttpContent) {
                long now = System.nanoTime();
                reader.onContent(((HttpContent) msg).content(), now);
                if (abortAfterEvents > 0 && reader.events() >= abortAfterEvents && reader.streamOpen()) {
                    fail(ErrorKinds.ABORTED); // the fault hook: this client leaves mid-stream
                } else if (msg instanceof LastHttpContent) {
                    complete(now);
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void complete(long now) {
        Exchange<R> done = exchange;
        exchange = null;
        if (!reader.keepAlive()) {
            reusable = false;
            channel.close();
        }
        lane.complete(this, done, reader.finish(done.intendedStartNanos(), now)
                .withResponse(reader.status(), reader.errorBody(), reader.retryAfter()));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        reusable = false;
        if (exchange != null) {
            fail(reader.cutKind());
        }
        lane.closed(this);
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // An I/O error (typically "connection reset by peer") ends this connection, not the run.
        fail(reader.cutKind());
    }
}
