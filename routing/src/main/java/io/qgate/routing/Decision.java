package io.qgate.routing;

import java.util.Arrays;
import java.util.Collection;
import java.util.random.RandomGenerator;

/**
 * One routing decision in progress (GIE's CycleState): the request, the instant and staleness
 * limit every part reads time and metrics by, the candidates still in the running, their
 * estimated loads and the lowest of them, and the scores. Filters narrow the candidates, scorers
 * write into arrays indexed by candidate, the picker reads the totals.
 *
 * <p>Allocation-free once warm: each thread reuses one decision and grows its arrays as needed.
 * A decision starts on the load table's own arrays and copies them only when a filter leaves a
 * candidate out.
 *
 * <p>Over a large fleet a scoring strategy weighs a random sample of the candidates instead of
 * all of them ({@link #sample}), plus the few its scorers name ({@link #nominate}): the least
 * loaded of sixteen random replicas is nearly always among the least loaded of a thousand, and a
 * decision then costs the same at any fleet size. Confined to one thread and to one call of {@link Router#dispatch}; nothing may
 * keep a reference to it.
 */
public final class Decision {

    private static final ThreadLocal<Decision> PER_THREAD = ThreadLocal.withInitial(Decision::new);
    private static final Endpoint[] NO_ENDPOINTS = new Endpoint[0];
    private static final EndpointLoad[] NO_LOADS = new EndpointLoad[0];

    private RouteRequest request;
    private Collection<Endpoint> excluded;
    private LoadTable table;
    private RoutingSettings settings;
    private long nowNanos;
    private long staleAfterNanos;

    /** The candidates: the table's arrays until a filter leaves one out, then this decision's own. */
    private Endpoint[] endpoints = NO_ENDPOINTS;
    private EndpointLoad[] loads = NO_LOADS;
    private int size;
    private boolean owned;
    /** Whether the candidates are a sample or a subset of the table's: a filter that empties it widens it to all. */
    private boolean sampled;
    private Endpoint[] ownEndpoints = NO_ENDPOINTS;
    /** The filters that apply to this decision, while a subset is being admitted. */
    private Filter[] admitting = new Filter[0];
    private int admittingCount;
    private EndpointLoad[] ownLoads = NO_LOADS;

    private double[] estimated = new double[0];
    private double lowest;
    private boolean estimatedReady;
    private double[][] scores = new double[0][];
    /** Per scorer, the array its scores are in this decision: its own, or {@link #zeros} when it did not apply. */
    private double[][] columns = new double[0][];
    /** Zeros, never written: the scores of a scorer that does not apply. */
    private double[] zeros = new double[0];
    private double[] totals = new double[0];
    private boolean scored;
    /** Where the request's prefix is cached, looked up once per decision by the work model that asked ({@link #holders}). */
    private final PrefixHolders.Match holders = new PrefixHolders.Match();
    private WorkModel holdersOf;

    Decision() {
    }

    /** This thread's decision, reset for {@code request} over the table's accepting replicas. */
    static Decision start(RouteRequest request, Collection<Endpoint> excluded, LoadTable table,
                          RoutingSettings settings, long staleAfterNanos, long nowNanos) {
        return PER_THREAD.get().reset(request, excluded, table, settings, staleAfterNanos, nowNanos);
    }

    Decision reset(RouteRequest request, Collection<Endpoint> excluded, LoadTable table, RoutingSettings settings,
                   long staleAfterNanos, long nowNanos) {
        this.request = request;
        this.excluded = excluded;
        this.table = table;
        LoadTable.Accepting accepting = table.accepting();
        this.endpoints = accepting.endpoints();
        this.loads = accepting.loads();
        this.size = endpoints.length;
        this.settings = settings;
        this.staleAfterNanos = staleAfterNanos;
        this.nowNanos = nowNanos;
        owned = false;
        sampled = false;
        estimatedReady = false;
        scored = false;
        holdersOf = null;
        return this;
    }

    /**
     * Where {@code model} knows the request's prompt prefix to be cached: looked up once per
     * decision, however many parts ask (the index's walk, the scorer, the nomination, the booking).
     */
    PrefixHolders.Match holders(WorkModel model) {
        if (holdersOf != model) {
            model.match(request, holders);
            holdersOf = model;
        }
        return holders;
    }

    /**
     * Narrows the candidates to {@code count} distinct ones at random, when there are more. A
     * random start and a stride coprime with the table's size visit distinct replicas in a
     * scattered order, without a set to remember which were drawn.
     */
    void sample(int count, RandomGenerator random) {
        int n = size;
        if (count <= 0 || n <= count) {
            return;
        }
        int stride = 1 + random.nextInt(n - 1);
        while (gcd(stride, n) != 1) {
            stride = 1 + random.nextInt(n - 1);
        }
        int at = random.nextInt(n);
        ensureOwnCapacity(count);
        for (int k = 0; k < count; k++) {
            ownEndpoints[k] = endpoints[at];
            ownLoads[k] = loads[at];
            at += stride;
            if (at >= n) {
                at -= n;
            }
        }
        endpoints = ownEndpoints;
        loads = ownLoads;
        size = count;
        owned = true;
        sampled = true;
        estimatedReady = false;
    }

    /**
     * Adds the accepting replica at {@code authority} to a sampled decision, unless it is there or
     * not accepting: a scorer names the replicas it would favour (a prefix's holders), which a
     * random sample would mostly miss.
     */
    void nominate(String authority) {
        if (!sampled) {
            return;
        }
        LoadTable.Accepting all = table.accepting();
        int at = all.indexOf(authority);
        if (at < 0) {
            return;
        }
        Endpoint endpoint = all.endpoints()[at];
        for (int i = 0; i < size; i++) {
            if (endpoints[i] == endpoint) {
                return;
            }
        }
        ensureOwnCapacity(size + 1);
        endpoints[size] = endpoint;
        loads[size] = all.loads()[at];
        size++;
        estimatedReady = false;
    }

    /**
     * Starts an empty subset of the accepting replicas, which {@link #admit} fills with those the
     * load index finds ({@link IndexedCandidates}); the filters that apply are noted once here.
     */
    void subset(Filter[] filters) {
        endpoints = ownEndpoints;
        loads = ownLoads;
        size = 0;
        owned = true;
        sampled = true;
        estimatedReady = false;
        scored = false;
        if (admitting.length < filters.length) {
            admitting = new Filter[filters.length];
        }
        admittingCount = 0;
        for (Filter filter : filters) {
            if (filter.applies(this)) {
                admitting[admittingCount++] = filter;
            }
        }
    }

    /**
     * Adds {@code endpoint} to a subset when every filter that applies keeps it.
     *
     * @return whether it is a candidate now (it may have been one already)
     */
    boolean admit(Endpoint endpoint, EndpointLoad load) {
        for (int i = 0; i < size; i++) {
            if (endpoints[i] == endpoint) {
                return true;
            }
        }
        if (!passes(endpoint, load)) {
            return false;
        }
        size++;
        estimatedReady = false;
        return true;
    }

    /** Whether every filter that applies to a subset would keep {@code endpoint}; adds nothing. */
    boolean passes(Endpoint endpoint, EndpointLoad load) {
        ensureOwnCapacity(size + 1);
        // Tried in the next free place: the filters read a candidate by its index.
        endpoints[size] = endpoint;
        loads[size] = load;
        for (int k = 0; k < admittingCount; k++) {
            if (!admitting[k].keeps(this, size)) {
                return false;
            }
        }
        return true;
    }

    /** Whether the candidates are a random sample of the accepting replicas. */
    boolean sampled() {
        return sampled;
    }

    /** Back to every accepting replica, unfiltered: a sample the filters emptied says nothing of the rest. */
    void widen() {
        LoadTable.Accepting accepting = table.accepting();
        endpoints = accepting.endpoints();
        loads = accepting.loads();
        size = endpoints.length;
        owned = false;
        sampled = false;
        estimatedReady = false;
        scored = false;
    }

    /** Grows this decision's own arrays, keeping what they hold, so that they take {@code capacity}. */
    private void ensureOwnCapacity(int capacity) {
        if (ownEndpoints.length < capacity) {
            int grown = Math.max(capacity, ownEndpoints.length * 2);
            ownEndpoints = Arrays.copyOf(ownEndpoints, grown);
            ownLoads = Arrays.copyOf(ownLoads, grown);
            if (owned) {
                endpoints = ownEndpoints;
                loads = ownLoads;
            }
        }
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    public RouteRequest request() { return request; }

    /** Endpoints an earlier attempt of the same request failed on. */
    public Collection<Endpoint> excluded() { return excluded; }

    LoadTable table() { return table; }

    public RoutingSettings settings() { return settings; }

    /** The instant of the decision: every part reads time here, not from a clock. */
    public long nowNanos() { return nowNanos; }

    public int size() { return size; }

    public Endpoint endpoint(int candidate) { return endpoints[candidate]; }

    public EndpointLoad load(int candidate) { return loads[candidate]; }

    /** The candidates' loads, for a loop that reads them all; index {@link #size()} and beyond is stale. */
    EndpointLoad[] loads() { return loads; }

    /** The candidate's estimated engine load ({@link EndpointLoad#estimatedLoad}), computed once per decision. */
    public double estimated(int candidate) { return estimates()[candidate]; }

    /** The lowest estimated load among the candidates. */
    public double lowest() {
        estimates();
        return lowest;
    }

    /** Scraped metrics older than this are not trusted. */
    public long staleAfterNanos() { return staleAfterNanos; }

    /** The candidate's waiting queue at the last fresh scrape, or NaN. */
    public double scrapedWaiting(int candidate) {
        return loads[candidate].scrapedWaiting(nowNanos, staleAfterNanos);
    }

    /**
     * Whether an affinity (a warm prefix cache, an active adapter) may count for the candidate:
     * not when the request would queue there (its engine reported waiting requests at the last
     * fresh scrape, or its estimated load has reached the batch limit it was seen to queue at),
     * nor when its load exceeds the lowest by more than the affinity margin. A warm cache saves a
     * prefill; a place in a queue costs a whole request's share of the batch, far more.
     */
    public boolean affinityAllowed(int candidate) {
        return !wouldQueue(candidate) && withinMargin(candidate);
    }

    /**
     * Whether a request sent to the candidate would queue there: its engine reported waiting
     * requests at the last fresh scrape, or its estimated load has reached the batch limit it was
     * seen to queue at.
     */
    public boolean wouldQueue(int candidate) {
        return EngineSlots.wouldQueue(loads[candidate], estimated(candidate), nowNanos, staleAfterNanos);
    }

    /**
     * The share of the decode still expected on the candidate that must be done before a request
     * sent there now gets a slot, when it would queue ({@link #wouldQueue}). It takes a place
     * {@code k} in the queue (the estimated load past the batch limit); the {@code k}-th slot frees
     * when the running sequence with the {@code k}-th fewest tokens left finishes. With what is left
     * spread evenly between none and twice the mean, by then every one of the {@code n} running
     * sequences has produced {@code 2k/n} of the mean: that share of the batch's remaining decode,
     * at most all of it. Not the whole batch's decode: a queue of one waits for the first sequence
     * to finish, not the last.
     */
    public double slotWaitShare(int candidate) {
        return EngineSlots.slotWaitShare(loads[candidate], estimated(candidate), nowNanos, staleAfterNanos);
    }

    /** Whether the candidate's estimated load exceeds the lowest by no more than the affinity margin. */
    public boolean withinMargin(int candidate) {
        return estimated(candidate) <= lowest() + settings.affinityMargin();
    }

    /** The candidate's weighted score: 0 for all when the strategy has no scorer. */
    public double total(int candidate) { return totals()[candidate]; }

    /** Every candidate's weighted score, for a loop that reads them all. */
    double[] totals() {
        if (!scored) {
            if (totals.length < size) {
                totals = new double[endpoints.length];
            }
            Arrays.fill(totals, 0, size, 0.0);
            scored = true;
        }
        return totals;
    }

    /** Every candidate's estimated load, computed on first use in a decision. */
    double[] estimates() {
        if (estimatedReady) {
            return estimated;
        }
        int n = size;
        if (estimated.length < n) {
            estimated = new double[loads.length];
        }
        double[] out = estimated;
        EndpointLoad[] candidates = loads;
        long now = nowNanos;
        long staleAfter = staleAfterNanos;
        boolean correction = settings.queueCorrection();
        double low = Double.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            out[i] = candidates[i].estimatedLoad(now, staleAfter, correction);
            low = Math.min(low, out[i]);
        }
        lowest = low;
        estimatedReady = true;
        return out;
    }

    /**
     * Leaves out the candidates {@code filter} does not keep, in order; a filter that does not apply
     * costs nothing.
     *
     * @return false when the filter kept no candidate (whether or not it gave way)
     */
    boolean filter(Filter filter) {
        if (size == 0 || !filter.applies(this)) {
            return size > 0;
        }
        int kept = 0;
        for (int i = 0; i < size; i++) {
            if (filter.keeps(this, i)) {
                if (kept != i) {
                    own();
                    endpoints[kept] = endpoints[i];
                    loads[kept] = loads[i];
                }
                kept++;
            }
        }
        // Nothing moved before the first candidate kept, so a filter that gives way has changed nothing.
        if (kept > 0 || !filter.givesWay()) {
            size = kept;
            estimatedReady = false;
        }
        return kept > 0;
    }

    /** Copy-on-write: the table's arrays are shared by every decision and never written. */
    private void own() {
        if (owned) {
            return;
        }
        if (ownEndpoints.length < size) {
            ownEndpoints = new Endpoint[endpoints.length];
            ownLoads = new EndpointLoad[endpoints.length];
        }
        System.arraycopy(endpoints, 0, ownEndpoints, 0, size);
        System.arraycopy(loads, 0, ownLoads, 0, size);
        endpoints = ownEndpoints;
        loads = ownLoads;
        owned = true;
    }

    /**
     * Runs each scorer that applies into its own array, then adds them up with the weights, in the
     * scorers' order, and notes every candidate's scores on its load for {@code /debug/endpoints}.
     * A scorer that does not apply counts as 0 and costs no pass.
     */
    void score(Scorer[] scorers, double[] weights) {
        int n = size;
        if (scores.length < scorers.length) {
            scores = Arrays.copyOf(scores, scorers.length);
        }
        if (columns.length < scorers.length) {
            columns = new double[scorers.length][];
        }
        if (totals.length < n) {
            totals = new double[endpoints.length];
        }
        if (zeros.length < n) {
            zeros = new double[endpoints.length];
        }
        double[] sums = totals;
        boolean summed = false;
        for (int k = 0; k < scorers.length; k++) {
            if (!scorers[k].applies(this)) {
                columns[k] = zeros;
                continue;
            }
            if (scores[k] == null || scores[k].length < n) {
                scores[k] = new double[endpoints.length];
            }
            double[] column = scores[k];
            columns[k] = column;
            scorers[k].score(this, column);
            double weight = weights[k];
            if (!summed) {
                // The first weighted score is what 0.0 plus it would be: no clearing pass.
                for (int i = 0; i < n; i++) {
                    sums[i] = weight * column[i];
                }
                summed = true;
            } else {
                for (int i = 0; i < n; i++) {
                    sums[i] += weight * column[i];
                }
            }
        }
        if (!summed) {
            Arrays.fill(sums, 0, n, 0.0);
        }
        recordScores(scorers.length, sums);
        scored = true;
    }

    /**
     * Notes each candidate's scores on its load for {@code /debug/endpoints}: a card holds the
     * first {@link ScoreCard#SCORERS} scorers' scores, hoisted out of the loop so that the copy
     * costs a few stores per candidate and no lookup.
     */
    private void recordScores(int scorers, double[] sums) {
        double[] none = zeros;
        double[] first = scorers > 0 ? columns[0] : none;
        double[] second = scorers > 1 ? columns[1] : none;
        double[] third = scorers > 2 ? columns[2] : none;
        double[] fourth = scorers > 3 ? columns[3] : none;
        EndpointLoad[] candidates = loads;
        long now = nowNanos;
        for (int i = 0; i < size; i++) {
            candidates[i].scoreCard().record(now, first[i], second[i], third[i], fourth[i], sums[i]);
        }
    }
}
