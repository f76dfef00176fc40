package io.qgate.bench.load;

import static java.util.Objects.requireNonNull;

import java.net.InetSocketAddress;

/**
 * Where a lane opens its connections: one address, or several as a Service's clients see them
 * (the soak's gateways). A refused connect is tried on the next address, up to {@link #size()}
 * addresses, before the request ends as {@link ErrorKinds#CONNECT}.
 */
public interface LaneTargets {

    /** The address for the next connect; called on the lane's loop, may change between calls. */
    InetSocketAddress next();

    /** How many addresses a connect may try. */
    int size();

    /** Always the same address: a refused connect is not tried again. */
    static LaneTargets of(InetSocketAddress address) {
        requireNonNull(address, "address");
        return new LaneTargets() {
            @Override
            public InetSocketAddress next() {
                return address;
            }

            @Override
            public int size() {
                return 1;
            }
        };
    }
}
