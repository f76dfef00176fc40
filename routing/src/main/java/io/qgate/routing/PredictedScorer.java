package io.qgate.routing;

import static java.util.Objects.requireNonNull;

/**
 * Lowest predicted time to first token ({@code predicted}): each replica's work ahead of the
 * request, as {@link WorkScorer} counts it but with the request's own prefill counted once (its
 * own wait), turned into seconds by the line fitted to that replica's answers ({@link TtftFit}).
 * Replicas that answer more slowly for the same work are avoided in proportion. Until every
 * candidate has a fit, the candidates are scored by work alone, as {@code work} scores them. The
 * score is {@code (least + 1 ms) / (predicted + 1 ms)}.
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
        WorkScorer.costs(model, decision, 1.0, scores);
        for (int i = 0; i < decision.size(); i++) {
            scores[i] = decision.load(i).ttftFit().predict(scores[i]);
            if (Double.isNaN(scores[i])) {
                byWork.score(decision, scores);
                return;
            }
        }
        WorkScorer.relative(scores, decision.size(), FLOOR_SECONDS);
    }
}
