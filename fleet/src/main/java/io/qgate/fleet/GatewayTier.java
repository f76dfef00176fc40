package io.qgate.fleet;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Several qgate gateways behind one Service: each request lands on one of them at random (the
 * Service's connection balancing), which routes it with what it alone has dispatched and scraped.
 */
final class GatewayTier implements Routing {

    private final List<Gateway> gateways;
    private final SplittableRandom random;

    GatewayTier(List<Gateway> gateways, SplittableRandom random) {
        if (gateways.isEmpty()) {
            throw new IllegalArgumentException("gateways: none (expected: at least one)");
        }
        this.gateways = List.copyOf(gateways);
        this.random = requireNonNull(random, "random");
    }

    List<Gateway> gateways() {
        return gateways;
    }

    @Override
    public Replica route(Request request) {
        Gateway gateway = gateways.size() == 1 ? gateways.get(0) : gateways.get(random.nextInt(gateways.size()));
        return gateway.dispatch(request);
    }

    @Override
    public void finished(Request request) {
        if (request.gateway != null) {
            request.gateway.finish(request);
        }
    }

    @Override
    public long received() {
        long sum = 0;
        for (Gateway gateway : gateways) {
            sum += gateway.received();
        }
        return sum;
    }

    /** sum(qgate_inflight_requests) over the gateways. */
    long inflight() {
        long sum = 0;
        for (Gateway gateway : gateways) {
            sum += gateway.inflight();
        }
        return sum;
    }

    /** max(qgate_pool_queue_length) over the gateways, as the autoscaler's query aggregates it. */
    double poolQueue() {
        double max = 0;
        for (Gateway gateway : gateways) {
            max = Math.max(max, gateway.poolQueue());
        }
        return max;
    }
}
