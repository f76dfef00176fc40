package io.qgate.gateway.proxy;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;

/**
 * Encodes the responses the gateway writes as objects (its own errors, batch shares) and leaves
 * out the body when the request being answered is a HEAD request. Relayed responses do not pass
 * through here: they are written as bytes below it ({@link RawResponseOut}), so this encoder
 * cannot keep a queue of request methods the way Netty's server codec does; the connection's
 * handler says which request is being answered instead.
 */
final class ClientResponseEncoder extends HttpResponseEncoder {

    private boolean answeringHead;

    /** The request now being answered; set before anything is written for it. */
    void answering(HttpMethod method) {
        answeringHead = HttpMethod.HEAD.equals(method);
    }

    @Override
    protected boolean isContentAlwaysEmpty(HttpResponse msg) {
        return answeringHead || super.isContentAlwaysEmpty(msg);
    }
}
