package io.qgate.gateway.admin;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;

/** The pipeline of a connection on the admin port: small GET requests only. */
public final class AdminInitializer extends ChannelInitializer<Channel> {

    private static final int MAX_ADMIN_BODY = 64 * 1024;

    private final AdminHandler handler;

    public AdminInitializer(AdminHandler handler) {
        this.handler = handler;
    }

    @Override
    protected void initChannel(Channel ch) {
        ch.pipeline()
                .addLast(new HttpServerCodec())
                .addLast(new HttpObjectAggregator(MAX_ADMIN_BODY))
                .addLast(handler);
    }
}
