package io.qgate.fleet;

import static java.util.Objects.requireNonNull;

import io.qgate.routing.ApiRoute;
import io.qgate.routing.Endpoint;
import io.qgate.routing.EndpointLoad;
import io.qgate.routing.Strategies;
import io.qgate.routing.EndpointSnapshot;
import io.qgate.routing.PoolQueue;
import io.qgate.routing.RouteRequest;
import io.qgate.routing.Router;
import io.qgate.routing.RoutingSettings;
import io.qgate.routing.RoutingStrategy;
import io.qgate.routing.metrics.LoraAdapters;
import java.util.Arrays;
import io.qgate.routing.peers.ReplicaLoads;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;

/**
 * One qgate gateway in virtual time: the production {@link Router} with the simulation's clock,
 * fed by discovery snapshots and by engine scrapes at the scrape interval, exactly as the gateway
 * feeds it (scraped waiting, running and KV-cache use, then dispatches and finishes counted in
 * between). What is not modelled: the HTTP of a scrape (a scrape reads the engine's state at one
 * instant) and ejection (replicas never fail).
 */
final class Gateway {

    /** The live simulator's default model; every replica serves it, so any one name would do. */
    private static final String MODEL = "meta-llama/Llama-3.1-8B-Instruct";
    private static final Set<String> MODELS = Set.of(MODEL);
    private static final long[] NO_BLOCKS = new long[0];
    /** The gateway's default {@code routing.prefix-max-blocks}: 64 characters, 16 tokens, a block. */
    private static final int PREFIX_MAX_BLOCKS = 32;

    /** Scrapes of one interval are spread over this many instants, as the gateway spreads them over its event loops. */
    private static final int SCRAPE_PHASES = 16;

    private final Simulation sim;
    private final Fleet fleet;
    private final Router router;
    private long received;
    private long open;
    private Replica[] targets = new Replica[0];
    private EndpointLoad[] targetLoads = new EndpointLoad[0];
    /** The route of each adapter's requests, made once: the model is the adapter's name. */
    private final Map<String, RouteRequest> adapterRoutes = new HashMap<>();

    /**
     * @param strategy  a {@code routing.strategy} name
     * @param settings  the router's settings
     * @param random    the pickers' randomness (one stream per gateway keeps the run deterministic)
     * @param variant   the strategy as the case runs it: as configured, or a baseline of it
     *                  ({@link RoutingStrategy#withoutIndex}, {@link RoutingStrategy#withoutSpread})
     */
    Gateway(Simulation sim, Fleet fleet, String strategy, RoutingSettings settings, SplittableRandom random,
            UnaryOperator<RoutingStrategy> variant) {
        this.sim = requireNonNull(sim, "sim");
        this.fleet = requireNonNull(fleet, "fleet");
        RandomGenerator generator = new PickerRandom(requireNonNull(random, "random").nextLong());
        RoutingStrategy routing = Strategies.named(strategy, settings, () -> generator);
        this.router = new Router(variant.apply(routing), settings, sim.clock());
    }

    /** Scrapes every engine every {@code intervalNanos}, the first round starting at {@code offsetNanos}. */
    void scrapeEvery(long intervalNanos, long offsetNanos) {
        for (int phase = 0; phase < SCRAPE_PHASES; phase++) {
            int first = phase;
            sim.every(offsetNanos + intervalNanos * phase / SCRAPE_PHASES, intervalNanos, () -> scrape(first));
        }
    }

    /** A new discovery snapshot. */
    void update(EndpointSnapshot snapshot) {
        router.update(snapshot);
        List<Endpoint> accepting = snapshot.accepting();
        Replica[] replicas = new Replica[accepting.size()];
        EndpointLoad[] loads = new EndpointLoad[accepting.size()];
        for (int i = 0; i < replicas.length; i++) {
            Endpoint endpoint = accepting.get(i);
            replicas[i] = fleet.byAuthority(endpoint.authority());
            loads[i] = router.load(endpoint);
        }
        targets = replicas;
        targetLoads = loads;
    }

    /** Receives and routes {@code request}; null when the gateway knows no ready replica (a 503). */
    Replica dispatch(Request request) {
        received++;
        return dispatchReceived(request);
    }

    /** Counts a request as received on its arrival (qgate_requests_received_total), before it is routed. */
    void receive() {
        received++;
    }

    /** Routes a request already counted by {@link #receive}, such as one the gateway held; null as above. */
    Replica dispatchReceived(Request request) {
        RouteRequest route = request.adapter == null ? work(request)
                : adapterRoutes.computeIfAbsent(request.adapter, adapter -> new RouteRequest(ApiRoute.CHAT, adapter, true));
        Router.Dispatch dispatch = router.dispatch(route, List.of());
        if (dispatch == null) {
            return null;
        }
        request.dispatch = dispatch;
        request.gateway = this;
        open++;
        return fleet.byAuthority(dispatch.endpoint().authority());
    }

    /**
     * What the gateway reads of a base-model request: its prompt's leading blocks (as many as the
     * gateway hashes by default), its length, and the {@code max_tokens} its client sent.
     */
    private static RouteRequest work(Request request) {
        long[] prefix = request.blocks == null ? NO_BLOCKS
                : Arrays.copyOf(request.blocks, Math.min(PREFIX_MAX_BLOCKS, request.blocks.length));
        return new RouteRequest(ApiRoute.CHAT, MODEL, true, prefix, request.promptTokens, request.maxTokens);
    }

    /** The first token of {@code request} reached the gateway: its prefill is no longer ahead of others. */
    void firstToken(Request request) {
        request.dispatch.firstToken();
    }

    /** The last chunk of {@code request}'s answer went out, with its usage. */
    void finish(Request request) {
        router.answered(MODEL, request.outputTokens);
        request.dispatch.finish(false);
        open--;
    }

    /** Ready replicas in this gateway's latest snapshot (qgate_pool_ready_endpoints). */
    int readyReplicas() {
        return targets.length;
    }

    /** This gateway's replicas by address, for its peers. */
    ReplicaLoads loads() {
        return ReplicaLoads.of(() -> List.of(router));
    }

    /** qgate_requests_received_total. */
    long received() {
        return received;
    }

    /** qgate_inflight_requests: requests this gateway has open. */
    long inflight() {
        return open;
    }

    /** qgate_pool_queue_length, computed by the same code as the gateway's gauge. */
    double poolQueue() {
        return PoolQueue.length(router);
    }

    /** {@code vllm:lora_requests_info} as the gateway's parser reads it, for one engine. */
    private static LoraAdapters lora(VirtualEngine engine) {
        LoraSlots slots = engine.lora();
        if (slots == null) {
            return LoraAdapters.NONE;
        }
        return LoraAdapters.ofEngine(slots.running(), engine.waitingAdapters(), slots.maxLoras());
    }

    private void scrape(int phase) {
        Replica[] replicas = targets;
        EndpointLoad[] loads = targetLoads;
        long now = sim.now();
        for (int i = phase; i < replicas.length; i += SCRAPE_PHASES) {
            Replica replica = replicas[i];
            if (replica == null || replica.state == Replica.State.GONE) {
                continue; // the snapshot is older than the pod's departure; the scrape fails
            }
            VirtualEngine engine = replica.engine;
            loads[i].scraped(engine.waiting(), engine.running(), engine.kvCacheUsage(), MODELS, lora(engine), now);
            loads[i].engineCounters(engine.counters());
        }
    }
}
