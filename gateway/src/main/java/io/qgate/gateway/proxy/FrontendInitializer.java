package io.qgate.gateway.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;

import java.util.concurrent.TimeUnit;

/** The pipeline of a client connection on the API port. */
public final class FrontendInitializer extends ChannelInitializer<Channel> {

    private static final int MAX_INITIAL_LINE = 8 * 1024;

    private final ProxyContext context;
    private final ChannelGroup connections;

    /** @param connections where every client connection is registered, so shutdown can close them */
    public FrontendInitializer(ProxyContext context, ChannelGroup connections) {
        this.context = context;
        this.connections = connections;
    }

    @Override
    protected void initChannel(Channel ch) {
        connections.add(ch);
        HttpDecoderConfig decoder = new HttpDecoderConfig()
                .setMaxInitialLineLength(MAX_INITIAL_LINE)
                .setMaxHeaderSize(context.config().maxHeaderSize());
        RequestReadTimeout readTimeout = new RequestReadTimeout();
        ch.pipeline()
                .addLast("bytes-seen", readTimeout.bytesSeen())
                .addLast("http", new HttpServerCodec(decoder))
                .addLast("idle", new IdleStateHandler(context.config().requestReadTimeout().toNanos(), 0,
                        context.config().clientIdleTimeout().toNanos(), TimeUnit.NANOSECONDS))
                .addLast("read-timeout", readTimeout)
                .addLast("aggregate", new BodyLimitAggregator(context.config().maxBodySize()))
                .addLast("proxy", new FrontendHandler(context));
    }
}
