package io.qgate.routing;

import static java.util.Objects.requireNonNull;

/**
 * Lowest predicted time to first token ({@code predicted}): each replica's work ahead of the
 * request, as {@link WorkScorer} counts it but with the request's own prefill counted once (its
 * own wait), turned into seconds by the line fitted to that replica's answers ({@link TtftFit}),
 * or, until the gateway has one, by the line of the engine's own prefill counters
 * ({@link EngineRates}). Where the engine reports its time between tokens, the decode that must
 * come out before a slot frees is timed by that instead (the batch's time per token), and only
 * the prefill by the line. Replicas that answer more slowly for
 * the same work are avoided in proportion. Until every candidate has a fit, the candidates are
 * scored by work alone, as {@code work} scores them. The score is
 * {@code (least + 1 ms) / (predicted + 1 ms)}.
 */
final class PredictedScorer implements Scorer {

    private static final double FLOOR_SECONDS = 0.001;

    private final WorkModel model;
    private final WorkScorer byWork;

    PredictedScorer(WorkModel model) {
        this.model = requireNonNull(model, "model");
        this.byWork = new WorkScorer(model);
    }

    @Override
    public String name() {
        return "predicted";
    }

    @Override
    public boolean nominate(Decision decision) {
        return model.nominateHolders(decision);
    }

    @Override
    public void score(Decision decision, double[] scores) {
        RouteRequest request = decision.request();
        PrefixHolders.Match match = decision.holders(model);
        for (int i = 0; i < decision.size(); i++) {
            EndpointLoad load = decision.load(i);
            double prefill = Math.max(0, load.prefillPendingWithPeers())
                    + model.uncached(request, match, decision.endpoint(i));
            double decode = WorkScorer.decodeAhead(decision, i);
            double perDecodeToken = load.rates().secondsPerDecodeToken();
            scores[i] = Double.isNaN(perDecodeToken) ? predict(load, prefill + decode)
                    : predict(load, prefill) + decode * perDecodeToken;
            if (Double.isNaN(scores[i])) {
                byWork.score(decision, scores);
                return;
            }
        }
        WorkScorer.relative(scores, decision.size(), FLOOR_SECONDS);
    }

    /** By the gateway's own line where it has one, else by the line of the engine's own prefills. */
    private static double predict(EndpointLoad load, double work) {
        double seconds = load.ttftFit().predict(work);
        return Double.isNaN(seconds) ? load.rates().prefillFit().predict(work) : seconds;
    }
}
