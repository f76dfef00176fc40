package io.qgate.gateway.proxy;

/**
 * What owns an upstream connection while a request is on it: a {@link ProxyExchange} relaying
 * one client's response, or a {@link BatchCall} collecting the answer to a batch. The response
 * arrives as {@link ResponseFramer.Sink} events.
 */
interface UpstreamListener extends ResponseFramer.Sink {

    /** The end of one read from the connection. */
    void onUpstreamReadComplete();

    /** The connection closed or failed; {@code cause} is null for a plain close. */
    void onUpstreamClosed(Throwable cause);
}
