package io.qgate.routing;

import java.util.Collection;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import static java.util.Objects.requireNonNull;

/**
 * Decides where each request goes: runs the strategy's parts over the load table's accepting
 * replicas ({@link RoutingStrategy}), and records the pick at once so that the next decision
 * already sees it.
 *
 * <p>Thread-safe; on the request path the only lock is the load index's, held for a decision's
 * walk of a few entries ({@link LoadIndex}); a decision's working state is a per-thread {@link Decision}. Time comes from the injected clock, read once per
 * decision, so tests move it instead of sleeping.
 */
public final class Router {

    private final RoutingStrategy strategy;
    private final RoutingSettings settings;
    private final long staleAfterNanos;
    private final LongSupplier nanoClock;
    private final LoadTable table;

    /** Replicas {@link #anyIdle} looks at beyond the one last found idle. */
    static final int IDLE_CHECKS = 16;

    /** A replica found idle, by its index in the table it was found in. */
    private record IdleHint(LoadTable.Accepting accepting, int index) {}

    private volatile IdleHint idleHint;
    /** Where {@link #anyIdle}'s next sweep starts; racy on purpose: a lost update repeats or skips a few replicas. */
    private int sweep;

    public Router(RoutingStrategy strategy, RoutingSettings settings, LongSupplier nanoClock) {
        this.strategy = requireNonNull(strategy, "strategy");
        this.settings = requireNonNull(settings, "settings");
        this.staleAfterNanos = settings.staleAfter().toNanos();
        this.nanoClock = requireNonNull(nanoClock, "nanoClock");
        RoutingStrategy.Indexing indexing = strategy.indexing();
        this.table = new LoadTable(indexing == null ? null
                : accepting -> new LoadIndex(accepting, indexing.order(), settings, nanoClock,
                        indexing.kvWeight() > 0 ? Pickers.NEAR_EQUAL / indexing.kvWeight() : 0));
        PeerPace pace = table.peerPace();
        table.watchReports(load -> pace.heard(load.peers().takeHeard(), load.peers().heardLagNanos(), nowNanos()));
    }

    /** A router with default settings and the system clock. */
    public Router(RoutingStrategy strategy) {
        this(strategy, RoutingSettings.defaults(), System::nanoTime);
    }

    /** Replaces the known endpoints; the load state of endpoints that are gone is dropped. */
    public void update(EndpointSnapshot newSnapshot) {
        table.update(newSnapshot);
    }

    /** The replicas and their loads, for tests that decide over them as the router does. */
    LoadTable table() {
        return table;
    }

    public EndpointSnapshot snapshot() {
        return table.snapshot();
    }

    public RoutingStrategy strategy() {
        return strategy;
    }

    public RoutingSettings settings() {
        return settings;
    }

    public long nowNanos() {
        return nanoClock.getAsLong();
    }

    /** The load state of {@code endpoint} (never null for a known endpoint). */
    public EndpointLoad load(Endpoint endpoint) {
        return table.load(endpoint);
    }

    /**
     * The load state of the replica at {@code authority} ({@link Endpoint#authority()}), or null
     * when it is not known: how peer gateways' reports, keyed by address, find it.
     */
    public EndpointLoad loadAt(String authority) {
        return table.find(authority);
    }

    /**
     * From now on {@code watcher} hears of each change to a replica's load that this gateway did
     * not cause: a scrape, a peer's report or a silent peer forgotten (never this gateway's own
     * dispatches and finishes). It runs on the thread of the change, after the load holds it.
     */
    public void watchReports(Consumer<EndpointLoad> watcher) {
        table.watchReports(watcher);
    }

    /** Every known replica's address and load state: what this gateway tells its peers. */
    public void forEachLoad(BiConsumer<String, EndpointLoad> action) {
        table.forEach(action);
    }

    /**
     * Requests the peer gateways have sent these replicas that this gateway has not heard of yet:
     * their rate times the lag of their reports ({@link PeerPace}); 0 without peers.
     */
    public double peersUnseen() {
        return table.peerPace().unseen(nowNanos());
    }

    /**
     * The replicas whose dispatched or finished counts may have moved since the last call (each
     * once, possibly a few that did not), in {@link #forEachLoad}'s order: what the gateway's one
     * peer exchange asks every millisecond instead of looking at every replica.
     */
    public void forEachCountsNews(BiConsumer<String, EndpointLoad> action) {
        table.forEachNews(action);
    }

    /**
     * A number that changes whenever a replica's load state is created or dropped, after the fact:
     * while it holds, {@link #loadAt} answers as before.
     */
    public long roster() {
        return table.roster();
    }

    /** Requests this gateway has sent to {@code endpoint} and not yet seen finish. */
    public int inflight(Endpoint endpoint) {
        return load(endpoint).inflight();
    }

    /** Whether {@code endpoint} is ejected now. */
    public boolean ejected(Endpoint endpoint) {
        return load(endpoint).ejection().ejected(nowNanos());
    }

    /** Milliseconds of ejection left for {@code endpoint}, 0 when it is not ejected. */
    public long ejectionRemainingMillis(Endpoint endpoint) {
        return load(endpoint).ejection().remainingNanos(nowNanos()) / 1_000_000;
    }

    /**
     * Whether some accepting, non-ejected endpoint has nothing to do by the routing estimate: a
     * request sent now would start at once, so holding it back (to batch it) could only add
     * latency. Models are not considered: this is a hint, not a routing decision.
     *
     * <p>Constant-time: it looks at the replica last found idle, then at the next
     * {@value #IDLE_CHECKS} of a sweep that goes round the fleet. Up to that many replicas it is
     * exact; beyond, it never answers true wrongly, and may answer false while a replica it has
     * not reached yet is idle: the sweep reaches every replica within a fleet's worth of calls,
     * and a replica idle for longer than that is found.
     */
    public boolean anyIdle() {
        long now = nowNanos();
        LoadIndex index = table.index();
        if (index != null) {
            return anyIdle(index, now);
        }
        LoadTable.Accepting accepting = table.accepting();
        EndpointLoad[] loads = accepting.loads();
        int n = loads.length;
        IdleHint hint = idleHint;
        if (hint != null && hint.accepting() == accepting && idle(loads[hint.index()], now)) {
            return true;
        }
        int checks = Math.min(n, IDLE_CHECKS);
        int start = n == 0 ? 0 : Math.floorMod(sweep, n);
        for (int k = 0; k < checks; k++) {
            int i = start + k < n ? start + k : start + k - n;
            if (idle(loads[i], now)) {
                idleHint = new IdleHint(accepting, i);
                sweep = i + 1;
                return true;
            }
        }
        sweep = start + checks;
        return false;
    }

    /**
     * With a load index, exact but for ejections: the idle replicas first, the least loaded first
     * ({@link LoadIndex#idleFirst}), and the first one not ejected decides; past {@value
     * #IDLE_CHECKS} ejected ones the answer is false.
     */
    private static boolean anyIdle(LoadIndex index, long now) {
        index.lock(now);
        try {
            int checks = 0;
            for (LoadIndex.Bucket bucket : index.idleFirst()) {
                if (bucket.estimated >= IDLE_BELOW || index.pastIdle(bucket)) {
                    return false;
                }
                for (int i = 0; i < bucket.size(); i++) {
                    if (checks++ == IDLE_CHECKS) {
                        return false;
                    }
                    if (!bucket.member(i).load().ejection().ejected(now)) {
                        return true;
                    }
                }
            }
            return false;
        } finally {
            index.unlock();
        }
    }

    /** An estimated load under this is no request at all. */
    private static final double IDLE_BELOW = 0.5;

    private boolean idle(EndpointLoad load, long now) {
        return load.estimatedLoad(now, staleAfterNanos, settings.queueCorrection()) < IDLE_BELOW
                && !load.ejection().ejected(now);
    }

    /**
     * Picks an endpoint for {@code request} among those that accept requests, leaving out
     * {@code excluded} (endpoints an earlier attempt of the same request failed on).
     *
     * @return the dispatch, which the caller must {@link Dispatch#finish finish}; or
     *         {@code null} when no endpoint is available
     */
    public Dispatch dispatch(RouteRequest request, Collection<Endpoint> excluded) {
        return dispatch(request, excluded, 1);
    }

    /**
     * Like {@link #dispatch(RouteRequest, Collection)} for a request that puts {@code sequences}
     * sequences into the engine (a batch of that many inputs), and counts as that many until it
     * finishes: the engine's queue grows by each of them.
     */
    public Dispatch dispatch(RouteRequest request, Collection<Endpoint> excluded, int sequences) {
        if (sequences < 1) {
            throw new IllegalArgumentException("sequences: " + sequences + " (expected: > 0)");
        }
        Decision decision = Decision.start(request, excluded, table, settings, staleAfterNanos, nowNanos());
        int chosen = strategy.choose(decision);
        if (chosen < 0) {
            return null;
        }
        Endpoint endpoint = decision.endpoint(chosen);
        EndpointLoad load = decision.load(chosen);
        WorkModel work = strategy.workModel();
        if (work == null) {
            strategy.picked(request, endpoint, decision.nowNanos());
            load.dispatched(sequences);
            return new Dispatch(endpoint, load, sequences, this, 0, 0, 0);
        }
        // Measured before the pick is recorded in the work model, so a first request pays its whole prompt.
        int prefill = work.uncached(request, decision.holders(work), endpoint) * sequences;
        int decode = work.expectedOutput(request) * sequences;
        int tokens = request.promptTokens() * sequences + decode;
        // In the replica's own tokens: the fit learns its pace, so its slowness must not be in them twice.
        double workAhead = WorkScorer.tokensAhead(decision, chosen) + prefill;
        strategy.picked(request, endpoint, decision.nowNanos());
        load.dispatched(sequences, prefill, decode, tokens);
        Dispatch dispatch = new Dispatch(endpoint, load, sequences, this, prefill, decode, tokens);
        dispatch.workAhead = workAhead;
        dispatch.sentNanos = decision.nowNanos();
        return dispatch;
    }

    /** Whether the strategy routes by work: then the relay reports first tokens and streamed tokens. */
    public boolean routesByWork() {
        return strategy.workModel() != null;
    }

    /**
     * An answer for {@code model} reported {@code completionTokens} in its {@code usage}: the
     * strategy's expected output length learns from it ({@link OutputLengths}).
     */
    public void answered(String model, int completionTokens) {
        WorkModel work = strategy.workModel();
        if (work != null) {
            work.outputLengths().observe(model, completionTokens, nowNanos());
        }
    }

    /**
     * One request sent to one endpoint; {@link #finish} it exactly once when it is over. Its work
     * (the prefill and the output expected of it) counts on the endpoint until its first token and
     * its streamed tokens count it down ({@link #firstToken}, {@link #tokens}); confined to the
     * thread that relays the request.
     */
    public static final class Dispatch {
        private final Endpoint endpoint;
        private final EndpointLoad load;
        private final int sequences;
        private final Router router;
        private final int tokens;
        private int prefillLeft;
        private int decodeLeft;
        private boolean finished;
        /** Tokens of work ahead of the request when it was sent, and when: its first token times the replica. */
        private double workAhead = Double.NaN;
        private long sentNanos;

        Dispatch(Endpoint endpoint, EndpointLoad load, int sequences, Router router, int prefill, int decode,
                 int tokens) {
            this.endpoint = endpoint;
            this.load = load;
            this.sequences = sequences;
            this.router = router;
            this.prefillLeft = prefill;
            this.decodeLeft = decode;
            this.tokens = tokens;
        }

        public Endpoint endpoint() {
            return endpoint;
        }

        /** The first token (or the first event of a stream) arrived: the prefill is done. */
        public void firstToken() {
            if (!finished && prefillLeft > 0) {
                load.prefillDone(prefillLeft);
                prefillLeft = 0;
            }
            if (!finished && !Double.isNaN(workAhead)) {
                load.ttftFit().observe(workAhead, (router.nowNanos() - sentNanos) / 1e9);
                workAhead = Double.NaN;
            }
        }

        /** {@code count} more output tokens (SSE events) arrived: the decode work ahead shrinks. */
        public void tokens(int count) {
            firstToken();
            int done = Math.min(count, decodeLeft);
            if (!finished && done > 0) {
                load.decoded(done);
                decodeLeft -= done;
            }
        }

        /** The request is over without a verdict on the replica (e.g. the client left). */
        public void finish() {
            if (!finished) {
                finished = true;
                load.finished(sequences, prefillLeft, decodeLeft, tokens);
            }
        }

        /**
         * The request is over; {@code replicaFailed} for a connect failure or a 5xx answer, which
         * count towards ejecting the replica.
         *
         * @return true when this failure ejected the replica
         */
        public boolean finish(boolean replicaFailed) {
            if (finished) {
                return false;
            }
            finish();
            if (!replicaFailed) {
                load.ejection().success();
                return false;
            }
            boolean ejected = load.ejection().failure(router.nowNanos(), router.settings);
            if (ejected) {
                router.table.ejectedUntil(load.ejection().ejectedUntilNanos());
            }
            return ejected;
        }
    }
}
