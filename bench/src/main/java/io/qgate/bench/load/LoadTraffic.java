package io.qgate.bench.load;

import io.netty.handler.codec.http.FullHttpRequest;
import java.util.SplittableRandom;

/**
 * The load generator's traffic for one lane: the workload's requests under the run's path and
 * headers, counted into the lane's own {@link LaneStats} (touched by that lane's loop only).
 */
final class LoadTraffic implements LaneTraffic<LoadRequest> {

    private final RequestFactory factory;
    private final RequestTemplate template;
    private final boolean stream;
    private final LaneStats stats = new LaneStats();

    LoadTraffic(LoadOptions options, RequestFactory factory, RequestTemplate template) {
        this.factory = factory;
        this.template = template;
        this.stream = options.stream() && options.api().generates();
    }

    /** The measurements so far; call on the lane's loop (see {@link Lane#read}). */
    StatsSnapshot snapshot(long inFlight) {
        return stats.snapshot(inFlight);
    }

    @Override
    public LoadRequest next(SplittableRandom random) {
        return factory.next(random);
    }

    @Override
    public FullHttpRequest encode(LoadRequest request) {
        return template.request(request);
    }

    @Override
    public boolean streams(LoadRequest request) {
        return stream;
    }

    @Override
    public void sent(LoadRequest request) {
        stats.sent();
    }

    @Override
    public void ended(LoadRequest request, Outcome outcome) {
        stats.record(outcome);
    }
}
