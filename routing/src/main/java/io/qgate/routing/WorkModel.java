package io.qgate.routing;

import static java.util.Objects.requireNonNull;

/**
 * What a request costs, in tokens, on each replica: the prompt tokens not already cached there
 * (the replicas that recently served the prompt's leading blocks have them warm) and the output tokens expected of it ({@link OutputLengths}). Shared by a strategy's
 * scorers and the router, which books each request's work on the replica it went to.
 *
 * <p>A prefix sent to several replicas counts as warm on each of them ({@link PrefixHolders}).
 * The gateway hashes only a window of leading blocks; when the whole window matches, the rest
 * of the prompt is assumed cached too but for its last block (a tenant's long shared context with
 * a short question after it), else only the matching blocks are.
 */
public final class WorkModel {

    private final PrefixHolders index;
    private final OutputLengths outputLengths = new OutputLengths();
    private final int blockTokens;

    /**
     * @param prefixCacheSize prefix block hashes remembered
     * @param blockTokens     tokens in one hashed prompt block
     */
    public WorkModel(int prefixCacheSize, int blockTokens) {
        if (blockTokens < 1) {
            throw new IllegalArgumentException("blockTokens: " + blockTokens + " (expected: > 0)");
        }
        this.index = new PrefixHolders(prefixCacheSize);
        this.blockTokens = blockTokens;
    }

    public OutputLengths outputLengths() {
        return outputLengths;
    }

    /** Where the request's prompt prefix is known to be cached, written into {@code into}. */
    PrefixHolders.Match match(RouteRequest request, PrefixHolders.Match into) {
        return index.lookup(request.prefixHashes(), into);
    }

    /** Adds the replicas known to hold the request's prefix to a sampled decision: where its prefill is cheapest. */
    boolean nominateHolders(Decision decision) {
        PrefixHolders.Match match = decision.holders(this);
        for (int i = 0; i < match.size(); i++) {
            decision.nominate(match.authority(i));
        }
        return true;
    }

    /** Prompt tokens of {@code request} not cached at {@code authority}, given its {@link #match}. */
    int uncached(RouteRequest request, PrefixHolders.Match match, String authority) {
        return uncachedOf(request, match.blocks(authority));
    }

    /** Prompt tokens of {@code request} not cached at {@code endpoint}, given its {@link #match}. */
    int uncached(RouteRequest request, PrefixHolders.Match match, Endpoint endpoint) {
        return uncachedOf(request, match.blocks(endpoint));
    }

    /** Prompt tokens of {@code request} not in its leading {@code blocks} cached. */
    private int uncachedOf(RouteRequest request, int blocks) {
        int prompt = request.promptTokens();
        if (blocks == 0) {
            return prompt;
        }
        int cached = blocks == request.prefixHashes().length ? prompt - blockTokens : blocks * blockTokens;
        return prompt - Math.max(0, Math.min(prompt, cached));
    }

    int expectedOutput(RouteRequest request) {
        return outputLengths.expected(request.model(), request.maxTokens());
    }

    void picked(RouteRequest request, Endpoint chosen) {
        if (request.prefixHashes().length > 0) {
            index.record(request.prefixHashes(), requireNonNull(chosen, "chosen").authority());
        }
    }
}
