package io.qgate.routing;

import static java.util.Objects.requireNonNull;

/**
 * Least work to the first token ({@code work}): for each replica, the tokens the engine must
 * prefill before this request's first token there — what this gateway sent it that has no first
 * token yet, then this request's own prompt less what that replica has cached — and, when the
 * request would queue for a slot there, the share of the output tokens still expected of what
 * runs there that must come out before a slot frees for it ({@link Decision#slotWaitShare}).
 * Counting all of that decode instead (as until 2026-12-06) made a tenant's home look as costly
 * as a whole batch whenever its engine briefly queued, so tenants moved, their contexts were
 * prefilled again elsewhere, and the copies filled the KV caches until the fleet collapsed. The
 * request's own prefill counts twice: it is also work added ahead of every request that follows
 * it to that replica, so between two replicas where it would wait as long, the one where its
 * prompt is cached wins, and the fleet's prefill capacity is not spent on copies of a context.
 * The score is {@code (least + 1) / (cost + 1)}: 1 for the least, less the more work is ahead.
 *
 * <p>Prefix affinity falls out of the cost: a cached prefix is prefill not done, so a tenant
 * stays on the replicas holding its context until the work queued there exceeds what the prefix
 * saves, and no margin has to be tuned.
 */
final class WorkScorer implements Scorer {

    private final WorkModel model;

    WorkScorer(WorkModel model) {
        this.model = requireNonNull(model, "model");
    }

    @Override
    public String name() {
        return "work";
    }

    @Override
    public void score(Decision decision, double[] scores) {
        // The request's own prefill counts twice: once as its own wait, once as the wait it adds
        // for every request that arrives behind it there.
        costs(model, decision, 2.0, scores);
        relative(scores, decision.size(), 1.0);
    }

    @Override
    public boolean nominate(Decision decision) {
        return model.nominateHolders(decision);
    }

    /**
     * Writes each candidate's work ahead of the request plus {@code ownWeight} times the request's
     * own uncached prompt there.
     */
    static void costs(WorkModel model, Decision decision, double ownWeight, double[] costs) {
        RouteRequest request = decision.request();
        PrefixHolders.Match match = decision.holders(model);
        for (int i = 0; i < decision.size(); i++) {
            costs[i] = workAhead(decision, i) + ownWeight * model.uncached(request, match, decision.endpoint(i));
        }
    }

    /** Turns costs into scores: {@code (least + floor) / (cost + floor)}, 1 for the least. */
    static void relative(double[] scores, int n, double floor) {
        double least = Double.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            least = Math.min(least, scores[i]);
        }
        for (int i = 0; i < n; i++) {
            scores[i] = (least + floor) / (scores[i] + floor);
        }
    }

    /**
     * The tokens ahead of a new request on candidate {@code i}, before its own prompt, times the
     * replica's slowness against the pool's fastest ({@link ReplicaSpeeds}): tokens of work at
     * the fastest replica's pace.
     */
    static double workAhead(Decision decision, int i) {
        return workAhead(decision.load(i), decision.estimated(i), decision.nowNanos(), decision.staleAfterNanos());
    }

    /**
     * The work ahead of a new request on a replica with load {@code load} and estimated load
     * {@code estimated}, at the fastest replica's pace: what the load index orders replicas by,
     * computed exactly as a decision does.
     */
    static double workAhead(EndpointLoad load, double estimated, long nowNanos, long staleAfterNanos) {
        return load.slowness() * tokensAhead(load, estimated, nowNanos, staleAfterNanos);
    }

    /** The tokens ahead of a new request on candidate {@code i}, before its own prompt, at the replica's own pace. */
    static double tokensAhead(Decision decision, int i) {
        return tokensAhead(decision.load(i), decision.estimated(i), decision.nowNanos(), decision.staleAfterNanos());
    }

    private static double tokensAhead(EndpointLoad load, double estimated, long nowNanos, long staleAfterNanos) {
        return Math.max(0, load.prefillPendingWithPeers()) + decodeAhead(load, estimated, nowNanos, staleAfterNanos);
    }

    /** The output tokens that must come out on candidate {@code i} before a slot frees there; 0 when none is needed. */
    static double decodeAhead(Decision decision, int i) {
        return decodeAhead(decision.load(i), decision.estimated(i), decision.nowNanos(), decision.staleAfterNanos());
    }

    private static double decodeAhead(EndpointLoad load, double estimated, long nowNanos, long staleAfterNanos) {
        return EngineSlots.wouldQueue(load, estimated, nowNanos, staleAfterNanos)
                ? Math.max(0, load.decodePendingWithPeers())
                        * EngineSlots.slotWaitShare(load, estimated, nowNanos, staleAfterNanos)
                : 0;
    }
}
