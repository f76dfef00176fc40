package io.qgate.gateway.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;


/** The pipeline of a connection to a replica. */
final class UpstreamChannelInitializer extends ChannelInitializer<Channel> {

    private static final int MAX_RESPONSE_HEADER_SIZE = 64 * 1024;
    private static final int MAX_CHUNK_SIZE = 64 * 1024;

    private final long poolIdleTimeoutNanos;
    private final ChannelGroup connections;

    UpstreamChannelInitializer(long poolIdleTimeoutNanos, ChannelGroup connections) {
        this.poolIdleTimeoutNanos = poolIdleTimeoutNanos;
        this.connections = connections;
    }

    @Override
    protected void initChannel(Channel ch) {
        connections.add(ch);
        // The replicas are ours (the client-facing decoder validates everything it reads), so
        // their response headers are not validated a second time on every request.
        HttpDecoderConfig decoder = new HttpDecoderConfig()
                .setMaxHeaderSize(MAX_RESPONSE_HEADER_SIZE)
                .setMaxChunkSize(MAX_CHUNK_SIZE)
                .setValidateHeaders(false);
        ch.pipeline()
                .addLast("http", new HttpClientCodec(decoder, false, false))
                .addLast("idle", new ReadIdleStateHandler(0, poolIdleTimeoutNanos))
                .addLast("relay", new UpstreamHandler());
    }

    static UpstreamHandler handlerOf(Channel channel) {
        return (UpstreamHandler) channel.pipeline().get("relay");
    }
}
