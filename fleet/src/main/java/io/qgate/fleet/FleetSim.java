package io.qgate.fleet;

import static java.util.Objects.requireNonNull;

import io.qgate.fleet.workload.Workload;
import io.qgate.routing.RoutingSettings;
import io.qgate.routing.RoutingStrategy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;

/**
 * One simulated deployment: the pods, who routes to them, and the path of every request — the
 * gateway picks a replica on arrival, the LiteLLM hop carries the request into the engine, the
 * first token and the end of the answer come back through the hop — with time to first token
 * logged as the client sees it.
 *
 * <p>All randomness comes from one seed, split into a stream per purpose in a fixed order, so a
 * seed gives the same run every time, and the same arrivals whoever routes them.
 */
final class FleetSim implements VirtualEngine.Listener {

    private final Simulation sim;
    private final long hopNanos;
    /** Every LiteLLM hop takes the same time: its events go in a lane of their own. */
    private final DelayLane hop;
    private final Fleet fleet;
    private final TtftLog log;
    private final SplittableRandom arrivalRandom;
    private final SplittableRandom routingSeeds;
    private final SplittableRandom otherSeeds;
    private Routing routing;
    private GatewayTier gateways;
    private long failed;
    private LoraWorkload adapters;
    private SplittableRandom adapterRandom;

    FleetSim(Simulation sim, EngineModel model, Fleet.Settings settings, TtftLog log, long seed) {
        this.sim = requireNonNull(sim, "sim");
        this.hopNanos = model.proxyNanos();
        this.hop = sim.lane(hopNanos);
        this.log = requireNonNull(log, "log");
        // A stream per purpose, so that every routing policy sees the same arrivals for a seed.
        SplittableRandom seeds = new SplittableRandom(seed);
        this.fleet = new Fleet(sim, model, this, settings, seeds.split());
        this.arrivalRandom = seeds.split();
        this.routingSeeds = seeds.split();
        this.otherSeeds = seeds.split();
    }

    Fleet fleet() {
        return fleet;
    }

    /** The oracle routes every request. */
    void routeByOracle() {
        routing = new Oracle(fleet, routingSeeds.split(), false);
    }

    /** Routes as {@code routingCase} says: a bound computed with perfect knowledge, or gateways. */
    void routeAs(RoutingCase routingCase) {
        switch (routingCase.policy()) {
            case "oracle" -> routeByOracle();
            case "partition" -> routeByPartition();
            default -> routeByGateways(routingCase.gateways(), routingCase.strategy(), routingCase.settings(),
                    routingCase.scrapeInterval(), routingCase.variant());
        }
    }

    /** Each shared context has one home replica, the contexts dealt out evenly ({@link Oracle}). */
    void routeByPartition() {
        routing = new Oracle(fleet, routingSeeds.split(), true);
    }

    /**
     * {@code count} qgate gateways route, each with the strategy and settings given, scraping every
     * engine every {@code scrapeInterval} (none: no scrapes, for strategies that do not read them).
     */
    void routeByGateways(int count, String strategy, RoutingSettings settings, Duration scrapeInterval) {
        routeByGateways(count, strategy, settings, scrapeInterval, UnaryOperator.identity());
    }

    /** {@link #routeByGateways(int, String, RoutingSettings, Duration)} with the strategy as {@code variant} makes it. */
    void routeByGateways(int count, String strategy, RoutingSettings settings, Duration scrapeInterval,
                         UnaryOperator<RoutingStrategy> variant) {
        if (count < 1) {
            throw new IllegalArgumentException("gateways: " + count + " (expected: > 0)");
        }
        List<Gateway> list = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Gateway gateway = new Gateway(sim, fleet, strategy, settings, routingSeeds.split(), variant);
            fleet.onDiscovery(gateway::update);
            if (scrapeInterval != null) {
                long interval = scrapeInterval.toNanos();
                // Gateways started at different moments: their scrape rounds are out of phase.
                gateway.scrapeEvery(interval, sim.now() + (long) (routingSeeds.nextDouble() * interval));
            }
            list.add(gateway);
        }
        gateways = new GatewayTier(list, routingSeeds.split());
        routing = gateways;
    }

    /**
     * Requests go to {@code front} instead, which routes them through the gateways or holds them
     * and sends them on later ({@link #send}).
     */
    void routeThrough(Routing front) {
        routing = requireNonNull(front, "front");
    }

    /** The gateways tell each other what they dispatched, over the modelled network; after {@link #routeByGateways}. */
    void sharePeers(PeerNetwork.Settings settings, SplittableRandom random) {
        if (gateways == null) {
            throw new IllegalStateException("peers: no gateways (expected: routeByGateways first)");
        }
        PeerNetwork.connect(sim, gateways.gateways(), settings, random);
    }

    /** The gateways, or null when the oracle routes. */
    GatewayTier gateways() {
        return gateways;
    }

    Routing routing() {
        return routing;
    }

    /** Poisson arrivals along {@code trace}, starting now. */
    Arrivals offer(Trace trace, Workload workload) {
        Arrivals arrivals = new Arrivals(sim, trace, workload, arrivalRandom, this::arrive);
        arrivals.start();
        return arrivals;
    }

    /** A stream of randomness for another component of the run (taken in a fixed order, it keeps the run deterministic). */
    SplittableRandom split() {
        return otherSeeds.split();
    }

    /**
     * Every replica started so far serves {@code workload}'s adapters, and each request names one
     * of them, drawn by popularity from a stream of its own (the arrivals stay those of the seed).
     */
    void serveAdapters(LoraWorkload workload) {
        adapters = requireNonNull(workload, "workload");
        adapterRandom = otherSeeds.split();
        for (Replica pod : fleet.pods()) {
            pod.engine.serveAdapters(workload.maxLoras(), EngineModel.nanos(workload.loadMs(), 1.0));
        }
    }

    /** Requests waiting in all engines now. */
    long waiting() {
        long waiting = 0;
        for (Replica pod : fleet.pods()) {
            waiting += pod.engine.waiting();
        }
        return waiting;
    }

    /** Adapters loaded by all replicas so far. */
    long adapterLoads() {
        long loads = 0;
        for (Replica pod : fleet.pods()) {
            loads += pod.engine.lora() == null ? 0 : pod.engine.lora().loads();
        }
        return loads;
    }

    /** Requests that got no replica (a 503). */
    long failed() {
        return failed;
    }

    void arrive(Request request) {
        if (adapters != null) {
            request.adapter = adapters.pick(adapterRandom);
        }
        log.arrived(request);
        Replica replica = routing.route(request);
        if (replica == null) {
            if (!request.heldAtGateway) {
                refuse(request);
            }
            return;
        }
        send(request, replica);
    }

    /** {@code request} gets no replica: a 503. */
    void refuse(Request request) {
        request.failed = true;
        log.refused(request);
        failed++;
    }

    /** {@code request}, routed to {@code replica}, goes into the LiteLLM hop. */
    void send(Request request, Replica replica) {
        request.replica = replica;
        replica.inHop++;
        replica.accepted++;
        hop.after(() -> enter(request));
    }

    private void enter(Request request) {
        Replica replica = request.replica;
        replica.inHop--;
        replica.engine.submit(request);
    }

    @Override
    public void firstToken(Request request) {
        request.firstTokenNanos = sim.now() + hopNanos;
        log.firstToken(request);
        if (request.gateway != null) {
            hop.after(() -> request.gateway.firstToken(request));
        }
    }

    @Override
    public void finished(Request request) {
        hop.after(() -> {
            routing.finished(request);
            fleet.requestDone(request.replica);
        });
    }
}
