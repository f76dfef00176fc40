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
import java.net.SocketAddress;
import java.util.SplittableRandom;

/**
 * The soak's traffic as the load generator's lanes send it: its mix of requests, each with its
 * own {@code X-Request-Id}, its aborting clients as the lane's fault hook, and every ending counted
 * into the shared {@link SoakStats}. Shared by the client's lanes; both parts are thread-safe.
 */
final class SoakLoad implements LaneTraffic<SoakTraffic.Request> {

    /** The header the system soak's gateways read priorities from ({@code admission.priority-header}). */
    static final String PRIORITY_HEADER = "x-priority";

    private final SoakTraffic traffic;
    private final SoakStats stats;
    private final String authority;
    private final GatewayBook book;

    /** @param book counts each gateway life's requests apart, or {@code null} */
    SoakLoad(SoakTraffic traffic, SoakStats stats, String authority, GatewayBook book) {
        this.traffic = traffic;
        this.stats = stats;
        this.authority = authority;
        this.book = book;
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
        if (!request.tenant().isEmpty()) {
            http.headers().set(HttpHeaderNames.AUTHORIZATION, "Bearer " + request.tenant());
        }
        if (!request.priority().isEmpty()) {
            http.headers().set(PRIORITY_HEADER, request.priority());
        }
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
    public void sentTo(SoakTraffic.Request request, SocketAddress remote) {
        if (book != null) {
            book.sentTo(request, remote);
        }
    }

    @Override
    public void sent(SoakTraffic.Request request) {
        stats.sent(request);
    }

    /** Time to first token is a stream's only: a plain answer's first byte is its whole answer. */
    @Override
    public void ended(SoakTraffic.Request request, Outcome outcome) {
        long ttft = outcome.isOk() && request.stream() ? outcome.ttftNanos() : -1;
        Ending ending = Ending.of(outcome.error());
        stats.ended(request, ending, ttft, outcome);
        if (book != null) {
            book.ended(request, ending, ttft, outcome);
        }
    }

    @Override
    public void endedTwice(SoakTraffic.Request request) {
        stats.endedTwice();
    }
}
