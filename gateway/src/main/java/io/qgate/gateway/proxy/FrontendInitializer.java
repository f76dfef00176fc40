package io.qgate.gateway.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;
import io.qgate.gateway.tls.ReloadingSslContext;


/**
 * The pipeline of a client connection on the API port. With TLS on, the TLS handler comes first
 * and the HTTP handlers behind it see decrypted bytes. Relayed responses are written as bytes in
 * front of the HTTP encoder ({@link RawResponseOut}); the gateway's own answers pass through it.
 */
public final class FrontendInitializer extends ChannelInitializer<Channel> {

    private static final int MAX_INITIAL_LINE = 8 * 1024;

    private final ProxyContext context;
    private final ChannelGroup connections;
    private final ReloadingSslContext tls;
    /** Each event loop's heads waiting for their 408: one per loop, so it needs no lock. */
    private final FastThreadLocal<SlowHeadRefusals> slowHeads = new FastThreadLocal<>();

    /** @param connections where every client connection is registered, so shutdown can close them */
    public FrontendInitializer(ProxyContext context, ChannelGroup connections) {
        this(context, connections, null);
    }

    /** {@code tls} null: plain HTTP. */
    public FrontendInitializer(ProxyContext context, ChannelGroup connections, ReloadingSslContext tls) {
        this.context = context;
        this.connections = connections;
        this.tls = tls;
    }

    /** The loop's queue, made on its first connection; the configured rate is the gateway's, shared evenly. */
    private SlowHeadRefusals slowHeads(EventLoop loop) {
        SlowHeadRefusals refusals = slowHeads.get();
        if (refusals == null) {
            int loops = 0;
            if (loop.parent() != null) {
                for (EventExecutor ignored : loop.parent()) {
                    loops++;
                }
            }
            refusals = new SlowHeadRefusals(loop, context.clock(),
                    (double) context.config().server().slowHeadRefusalsPerSecond() / Math.max(1, loops));
            slowHeads.set(refusals);
        }
        return refusals;
    }

    @Override
    protected void initChannel(Channel ch) {
        connections.add(ch);
        HttpDecoderConfig decoder = new HttpDecoderConfig()
                .setMaxInitialLineLength(MAX_INITIAL_LINE)
                .setMaxHeaderSize(context.config().server().maxHeaderSize());
        RequestReadTimeout readTimeout = new RequestReadTimeout(context.config().server().requestHeadTimeout().toNanos(),
                slowHeads(ch.eventLoop()));
        ClientResponseEncoder encoder = new ClientResponseEncoder();
        if (tls != null) {
            ch.pipeline().addLast("tls-detect", tls.newHandler());
        }
        ch.pipeline()
                .addLast("bytes-seen", readTimeout.bytesSeen())
                .addLast(RawResponseOut.NAME, RawResponseOut.INSTANCE)
                .addLast("http-decoder", new HttpRequestDecoder(decoder))
                .addLast("http-encoder", encoder)
                .addLast("idle", new ReadIdleStateHandler(context.config().server().requestReadTimeout().toNanos(),
                        context.config().server().idleTimeout().toNanos()))
                .addLast("read-timeout", readTimeout)
                .addLast("aggregate", new BodyLimitAggregator(context.config().server().maxBodySize()))
                .addLast("proxy", new FrontendHandler(context, encoder));
    }
}
