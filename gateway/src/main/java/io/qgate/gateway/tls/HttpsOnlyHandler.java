package io.qgate.gateway.tls;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.OptionalSslHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import io.qgate.gateway.proxy.ErrorResponses;

import java.nio.charset.StandardCharsets;

/**
 * The first handler of a connection on a TLS listener. It looks at the first five bytes: a TLS
 * record puts the {@code SslHandler} (named {@code tls}) in its place; anything else, typically a
 * plain HTTP request sent to the HTTPS port, gets a 400 that says so and the connection is
 * closed, instead of a handshake error the client would show as a reset.
 */
final class HttpsOnlyHandler extends OptionalSslHandler {

    static final String SSL_HANDLER_NAME = "tls";

    private static final byte[] PLAIN_HTTP_ANSWER;

    static {
        byte[] body = ErrorResponses.BAD_REQUEST.body("This port speaks HTTPS; the request was sent as plain HTTP.")
                .getBytes(StandardCharsets.UTF_8);
        byte[] head = ("HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: " + body.length
                + "\r\nconnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        PLAIN_HTTP_ANSWER = new byte[head.length + body.length];
        System.arraycopy(head, 0, PLAIN_HTTP_ANSWER, 0, head.length);
        System.arraycopy(body, 0, PLAIN_HTTP_ANSWER, head.length, body.length);
    }

    HttpsOnlyHandler(SslContext context) {
        super(context);
    }

    @Override
    protected String newSslHandlerName() {
        return SSL_HANDLER_NAME;
    }

    @Override
    protected String newNonSslHandlerName() {
        return "plain-http-refused";
    }

    @Override
    protected ChannelHandler newNonSslHandler(ChannelHandlerContext ctx) {
        return new PlainHttpRefused();
    }

    /** Answers once, drops whatever else arrives, and closes. */
    private static final class PlainHttpRefused extends ChannelInboundHandlerAdapter {
        private boolean answered;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
            if (!answered) {
                answered = true;
                ByteBuf answer = Unpooled.wrappedBuffer(PLAIN_HTTP_ANSWER);
                ctx.writeAndFlush(answer).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
