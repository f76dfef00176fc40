package io.qgate.gateway.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.timeout.IdleStateHandler;

import java.util.concurrent.TimeUnit;

/**
 * Netty's idle events, timed from reads only. {@link IdleStateHandler} watches writes by turning
 * every write's promise into a real one and adding a listener to it: two objects and a callback
 * for each of the several writes a request makes, on a path that otherwise allocates little.
 * The handlers that act on the events know when they last answered ({@link FrontendHandler}), or
 * have nothing to write while idle (a pooled replica connection), so reads are all they need.
 *
 * <p>{@code ALL_IDLE} here means: nothing read for that long.
 */
final class ReadIdleStateHandler extends IdleStateHandler {

    ReadIdleStateHandler(long readerIdleNanos, long allIdleNanos) {
        super(readerIdleNanos, 0, allIdleNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        ctx.write(msg, promise);
    }
}
