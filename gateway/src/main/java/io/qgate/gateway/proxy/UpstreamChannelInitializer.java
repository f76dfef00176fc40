package io.qgate.gateway.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;


/**
 * The pipeline of a connection to a replica.
 *
 * <pre>
 * ReadIdleStateHandler(pool idle timeout) → UpstreamHandler
 * </pre>
 */
final class UpstreamChannelInitializer extends ChannelInitializer<Channel> {

    private final long poolIdleTimeoutNanos;
    private final ChannelGroup connections;

    UpstreamChannelInitializer(long poolIdleTimeoutNanos, ChannelGroup connections) {
        this.poolIdleTimeoutNanos = poolIdleTimeoutNanos;
        this.connections = connections;
    }

    @Override
    protected void initChannel(Channel ch) {
        connections.add(ch);
        // No HTTP codec: requests are written as bytes (UpstreamRequestHead) and responses
        // framed, not decoded (ResponseFramer).
        ch.pipeline()
                .addLast("idle", new ReadIdleStateHandler(0, poolIdleTimeoutNanos))
                .addLast("relay", new UpstreamHandler());
    }

    static UpstreamHandler handlerOf(Channel channel) {
        return (UpstreamHandler) channel.pipeline().get("relay");
    }
}
