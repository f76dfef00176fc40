package io.qgate.gateway.proxy;

import io.netty.handler.codec.http.HttpVersion;

/**
 * A request refused before it was fully read (its body is over the limit). It travels down the
 * pipeline like a request so that its error is answered in order after the requests before it.
 */
record RejectedRequest(ErrorResponses error, String message, HttpVersion version) {
}
