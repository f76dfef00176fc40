package io.qgate.gateway.metrics;

/**
 * The gateway's requests over its last few complete seconds, for the status page.
 *
 * @param seconds   the seconds covered (fewer than asked while the gateway is younger)
 * @param errors    answers with a 5xx status
 * @param rejected  answers with 429: the admission queue was full or the wait too long
 * @param latency   end-to-end latency of the successful answers (status below 400)
 * @param firstByte time to the first response body byte of the same answers (the first token of
 *                  a stream)
 */
public record RecentRequests(int seconds, long received, long answered, long errors, long rejected,
                             LatencyHistogram latency, LatencyHistogram firstByte) {

    /** {@code count} per second over the seconds covered; 0 when none are. */
    public double perSecond(long count) {
        return seconds == 0 ? 0 : (double) count / seconds;
    }
}
