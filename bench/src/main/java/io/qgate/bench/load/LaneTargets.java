package io.qgate.bench.load;

import static java.util.Objects.requireNonNull;

import java.net.InetSocketAddress;

/**
 * Where a lane opens its connections: one address, or several as a Service's clients see them
 * (the soak's gateways). A connect starts at {@link #start()} and, refused, tries the following
 * addresses in turn, each once, before the request ends as {@link ErrorKinds#CONNECT}. The retries
 * walk from their own start rather than taking the next of a shared rotation: other connects
 * advance that rotation meanwhile, and could send all of one request's tries to the one address
 * that is down.
 */
public interface LaneTargets {

    /** Where the next connect starts; called on the lane's loop, rotates between calls. */
    int start();

    /** The address at {@code index} (taken modulo {@link #size()}); may change between calls. */
    InetSocketAddress at(int index);

    /** How many addresses a connect may try. */
    int size();

    /** Always the same address: a refused connect is not tried again. */
    static LaneTargets of(InetSocketAddress address) {
        requireNonNull(address, "address");
        return new LaneTargets() {
            @Override
            public int start() {
                return 0;
            }

            @Override
            public InetSocketAddress at(int index) {
                return address;
            }

            @Override
            public int size() {
                return 1;
            }
        };
    }
}
