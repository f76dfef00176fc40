package io.qgate.bench.study.soak;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.qgate.bench.load.LaneTraffic;
import io.qgate.bench.load.Outcome;
import java.util.SplittableRandom;

/**
 * The soak's traffic as the load generator's lanes send it: its mix of requests, each with its
 * own {@code X-Request-Id}, its aborting clients as the lane's fault hook, and every ending counted
 * into the shared {@link SoakStats}. Shared by the client's lanes; both parts are thread-safe.
 */
final class SoakLoad implements LaneTraffic<SoakTraffic.Request> {

    private final SoakTraffic traffic;
    private final SoakStats stats;
    private final String authority;

    SoakLoad(SoakTraffic traffic, SoakStats stats, String authority) {
        this.traffic = traffic;
        this.stats = stats;
        this.authority = authority;
    }

    @Override
    public SoakTraffic.Request next(SplittableRandom random) {
        return traffic.next(random);
    }

    @Override
    public FullHttpRequest encode(SoakTraffic.Request request) {
        FullHttpRequest http = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, request.route().path,
                Unpooled.wrappedBuffer(request.body()));
        http.headers()
                .set(HttpHeaderNames.HOST, authority)
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .set(HttpHeaderNames.USER_AGENT, "qgate-soak")
                .set("X-Request-Id", request.id())
                .setInt(HttpHeaderNames.CONTENT_LENGTH, request.body().length);
        return http;
    }

    @Override
    public boolean streams(SoakTraffic.Request request) {
        return request.stream();
    }

    @Override
    public int abortAfterEvents(SoakTraffic.Request request) {
        return request.abortAfterEvents();
    }

    @Override
    public void sent(SoakTraffic.Request request) {
        stats.sent(request);
    }

    /** Time to first token is a stream's only: a plain answer's first byte is its whole answer. */
    @Override
    public void ended(SoakTraffic.Request request, Outcome outcome) {
        long ttft = outcome.isOk() && request.stream() ? outcome.ttftNanos() : -1;
        stats.ended(request, Ending.of(outcome.error()), outcome.status(), ttft, outcome.e2eNanos(),
                outcome.errorBody());
    }

    @Override
    public void endedTwice(SoakTraffic.Request request) {
        stats.endedTwice();
    }
}
