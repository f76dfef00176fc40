package io.qgate.fleet;

/**
 * LiteLLM's CPU in a pod, modelled: a baseline, a cost per request accepted and a cost per token
 * relayed (every streamed chunk is a Python event). Requests grow with demand; relayed tokens stop
 * growing once the engine is saturated, so in an overload CPU reads lower than demand.
 *
 * @param baselineMilli      millicores used with no traffic
 * @param perRequestMillis   CPU milliseconds per request accepted
 * @param perTokenMillis     CPU milliseconds per output token relayed
 * @param requestMilli       the pod's CPU request, against which utilisation is measured
 */
public record CpuModel(double baselineMilli, double perRequestMillis, double perTokenMillis, long requestMilli) {

    public CpuModel {
        if (baselineMilli < 0 || perRequestMillis < 0 || perTokenMillis < 0) {
            throw new IllegalArgumentException("CPU costs: " + baselineMilli + ", " + perRequestMillis + ", "
                    + perTokenMillis + " (expected: >= 0)");
        }
        if (requestMilli <= 0) {
            throw new IllegalArgumentException("requestMilli: " + requestMilli + " (expected: > 0)");
        }
    }

    /**
     * 100m idle, 2 ms per request and 0.1 ms per relayed token, 2 cores requested: an engine at
     * its capacity (76 requests/s of ~220 tokens) keeps LiteLLM at about 1.9 cores, 96%.
     */
    static CpuModel defaults() {
        return new CpuModel(100, 2, 0.1, 2000);
    }

    /** Millicores used at the given request and token rates (per second). */
    long usageMilli(double requestsPerSecond, double tokensPerSecond) {
        return Math.round(baselineMilli + perRequestMillis * requestsPerSecond + perTokenMillis * tokensPerSecond);
    }
}
