package io.qgate.gateway.proxy;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOutboundHandlerAdapter;

/**
 * A marker in the client pipeline, in front of the HTTP encoder: bytes written from its context
 * go to the connection (through TLS when on) without passing the encoder. Relayed responses are
 * written there, already framed.
 */
@ChannelHandler.Sharable
final class RawResponseOut extends ChannelOutboundHandlerAdapter {

    static final RawResponseOut INSTANCE = new RawResponseOut();
    static final String NAME = "raw-out";

    private RawResponseOut() {}
}
