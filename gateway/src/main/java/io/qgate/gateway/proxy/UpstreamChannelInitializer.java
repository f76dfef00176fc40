package io.qgate.gateway.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.HttpRequestEncoder;


/** The pipeline of a connection to a replica. */
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
        // Requests are encoded by Netty; responses are framed, not decoded (ResponseFramer).
        ch.pipeline()
                .addLast("http", new HttpRequestEncoder())
                .addLast("idle", new ReadIdleStateHandler(0, poolIdleTimeoutNanos))
                .addLast("relay", new UpstreamHandler());
    }

    static UpstreamHandler handlerOf(Channel channel) {
        return (UpstreamHandler) channel.pipeline().get("relay");
    }
}
