package io.qgate.routing;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.function.ToDoubleBiFunction;

/**
 * Scorers of two llm-d policies, reimplemented from their public descriptions (llm-d's docs and
 * blog, the Gateway API Inference Extension's docs) to compare qgate against; no llm-d code. Each
 * is named {@code llmd-…} wherever it shows.
 *
 * <ul>
 *   <li>The earlier default blend: a queue scorer (the scraped waiting queue, min-max normalised
 *       over the candidates: the shortest 1, the longest 0) and a KV-cache scorer (free cache),
 *       equally weighted.
 *   <li>The current default, "sticky until saturated": prefix affinity (the share of the prompt's
 *       hashed blocks the replica is known to hold) for as long as that replica is not saturated,
 *       plus a token-load scorer (the prompt and output tokens in flight there, min-max
 *       normalised). Saturated is the Inference Extension's detector with its default thresholds:
 *       5 waiting requests or 80% KV cache at the last fresh scrape.
 * </ul>
 */
final class LlmdBaselines {

    static final double SATURATED_WAITING = 5;
    static final double SATURATED_KV_CACHE = 0.8;

    private LlmdBaselines() {
    }

    /** The waiting queue at the last fresh scrape (unknown counts as empty), shortest best. */
    static final Scorer QUEUE = minMax("llmd-queue", (decision, i) -> {
        double waiting = decision.scrapedWaiting(i);
        return Double.isNaN(waiting) ? 0 : waiting;
    });

    /** Tokens of this gateway's requests in flight there, fewest best. */
    static final Scorer TOKEN_LOAD = minMax("llmd-token-load", (decision, i) -> decision.load(i).inflightTokens());

    /** Prefix affinity (the share of the prompt's hashed blocks a replica is known to hold) while it is not saturated. */
    static Scorer prefixUntilSaturated(WorkModel model) {
        requireNonNull(model, "model");
        return new Scorer() {
            @Override
            public String name() {
                return "llmd-prefix";
            }

            @Override
            public boolean nominate(Decision decision) {
                return model.nominateHolders(decision);
            }

            @Override
            public void score(Decision decision, double[] scores) {
                int n = decision.size();
                Arrays.fill(scores, 0, n, 0.0);
                PrefixHolders.Match match = decision.holders(model);
                if (match.size() == 0) {
                    return;
                }
                for (int i = 0; i < n; i++) {
                    if (!saturated(decision, i)) {
                        scores[i] = (double) match.blocks(decision.endpoint(i).authority())
                                / decision.request().prefixHashes().length;
                    }
                }
            }
        };
    }

    static boolean saturated(Decision decision, int i) {
        long now = decision.nowNanos();
        long staleAfter = decision.staleAfterNanos();
        // NaN (no fresh scrape) compares false: not known to be saturated.
        return decision.scrapedWaiting(i) >= SATURATED_WAITING
                || decision.load(i).kvCacheUsage(now, staleAfter) >= SATURATED_KV_CACHE;
    }

    /** A scorer of {@code (max - value) / (max - min)} over the candidates; 1 for all when they are equal. */
    private static Scorer minMax(String name, ToDoubleBiFunction<Decision, Integer> value) {
        return new Scorer() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void score(Decision decision, double[] scores) {
                int n = decision.size();
                double min = Double.MAX_VALUE;
                double max = -Double.MAX_VALUE;
                for (int i = 0; i < n; i++) {
                    scores[i] = value.applyAsDouble(decision, i);
                    min = Math.min(min, scores[i]);
                    max = Math.max(max, scores[i]);
                }
                for (int i = 0; i < n; i++) {
                    scores[i] = max > min ? (max - scores[i]) / (max - min) : 1.0;
                }
            }
        };
    }
}
