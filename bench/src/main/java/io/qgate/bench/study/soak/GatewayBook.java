package io.qgate.bench.study.soak;

import io.qgate.bench.load.Outcome;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The system soak's requests counted apart per gateway port, as the clients saw them. A gateway
 * restarted listens on a new port, so a port is one life of a gateway: a life killed with
 * SIGKILL takes its counters with it, and only the lives' own books can be held against what each
 * one counted. A request that never got a connection is in no life's book.
 */
final class GatewayBook {

    private final Map<Integer, SoakStats> byPort = new ConcurrentHashMap<>();
    private final Map<String, Integer> portOf = new ConcurrentHashMap<>();

    /** The request is written to the gateway at {@code remote}. */
    void sentTo(SoakTraffic.Request request, SocketAddress remote) {
        if (!(remote instanceof InetSocketAddress address)) {
            return;
        }
        int port = address.getPort();
        portOf.put(request.id(), port);
        stats(port).sent(request);
    }

    /** The request ended; counted in the book of the life it was sent to, if any. */
    void ended(SoakTraffic.Request request, Ending ending, long ttftNanos, Outcome outcome) {
        Integer port = portOf.get(request.id());
        if (port != null) {
            stats(port).ended(request, ending, ttftNanos, outcome);
        }
    }

    /** The gateway port a request was written to, or 0 if it never was. */
    int portOf(String requestId) {
        return portOf.getOrDefault(requestId, 0);
    }

    /** One life's counts now (none yet: all zero). */
    SoakStats.Counts counts(int port) {
        SoakStats own = byPort.get(port);
        return (own == null ? new SoakStats() : own).counts();
    }

    /** Every life's counts, by port. */
    Map<Integer, SoakStats> lives() {
        return new TreeMap<>(byPort);
    }

    private SoakStats stats(int port) {
        return byPort.computeIfAbsent(port, p -> new SoakStats());
    }
}
