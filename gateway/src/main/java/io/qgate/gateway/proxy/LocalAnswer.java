package io.qgate.gateway.proxy;

/**
 * The gateway answers the request itself (an error of the request's, or no replica at all): the
 * whole answer is one write, and its outcome ends the request, so a client that leaves meanwhile
 * changes nothing. Holds nothing, hence one instance.
 */
enum LocalAnswer implements Stage {
    INSTANCE;

    @Override
    public void clientClosed() {
        // not reached: the request ignores the client while its answer is being written
    }
}
