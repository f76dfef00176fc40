package io.qgate.gateway.proxy;

/**
 * The request in progress on a client connection, as {@link FrontendHandler} sees it: relayed on
 * its own ({@link ProxyExchange}) or waiting in a batch ({@link BatchMember}).
 */
interface ClientExchange {

    /** The client went away before its answer was complete. */
    void onClientClosed();

    /** The client connection can take more bytes again. */
    void onClientWritable();
}
