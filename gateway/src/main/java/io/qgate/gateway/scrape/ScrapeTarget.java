package io.qgate.gateway.scrape;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.ScheduledFuture;
import io.qgate.routing.Endpoint;
import io.qgate.routing.EndpointLoad;
import io.qgate.routing.metrics.EngineMetrics;
import io.qgate.routing.metrics.EngineMetricsParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Polls one replica's engine metrics on one event loop over a kept-alive connection: a scrape
 * every interval, never two at once, each failed after the timeout (shorter than the interval),
 * so a slow replica delays nobody but itself. A failed scrape only lets the last reading age; it
 * says nothing about whether the replica can serve requests.
 */
final class ScrapeTarget {

    private static final Logger log = LoggerFactory.getLogger(ScrapeTarget.class);
    /** Failures in a row before one is logged as a warning. */
    private static final int FAILURES_BEFORE_WARNING = 3;

    private final Endpoint endpoint;
    private final String host;
    private final int port;
    private final String path;
    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final EndpointLoad load;
    private final EngineMetricsParser parser;
    private final long intervalNanos;
    private final long timeoutNanos;
    /** The gateway's clock: the load's readings are stamped with it. */
    private final LongSupplier clock;

    private Channel channel;
    private boolean inFlight;
    private boolean stopped;
    private ScheduledFuture<?> tick;
    private ScheduledFuture<?> timeout;
    private int failuresInRow;

    ScrapeTarget(Endpoint endpoint, int port, String path, EventLoop loop, Bootstrap bootstrap, EndpointLoad load,
                 EngineMetricsParser parser, long intervalNanos, long timeoutNanos, LongSupplier clock) {
        this.endpoint = endpoint;
        this.host = endpoint.host();
        this.port = port;
        this.path = path;
        this.loop = loop;
        this.bootstrap = bootstrap;
        this.load = load;
        this.parser = parser;
        this.intervalNanos = intervalNanos;
        this.timeoutNanos = timeoutNanos;
        this.clock = clock;
    }

    Endpoint endpoint() {
        return endpoint;
    }

    void start() {
        loop.execute(() -> {
            // A random phase, so that a thousand replicas are not all scraped in the same instant.
            long phase = ThreadLocalRandom.current().nextLong(intervalNanos);
            tick = loop.scheduleAtFixedRate(this::scrape, phase, intervalNanos, TimeUnit.NANOSECONDS);
        });
    }

    void stop() {
        loop.execute(() -> {
            stopped = true;
            if (tick != null) {
                tick.cancel(false);
            }
            cancelTimeout();
            if (channel != null) {
                channel.close();
            }
        });
    }

    private void scrape() {
        if (inFlight || stopped) {
            return;
        }
        inFlight = true;
        timeout = loop.schedule(() -> fail("no answer in " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms"),
                timeoutNanos, TimeUnit.NANOSECONDS);
        if (channel != null && channel.isActive()) {
            send(channel);
            return;
        }
        ChannelFuture connecting = bootstrap.connect(host, port);
        channel = connecting.channel();
        channel.pipeline().addLast(new ResponseHandler());
        connecting.addListener(f -> {
            if (!f.isSuccess()) {
                fail("connect: " + f.cause().getMessage());
            } else if (inFlight && !stopped) {
                send(connecting.channel());
            }
        });
    }

    private void send(Channel ch) {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path,
                Unpooled.EMPTY_BUFFER);
        request.headers().set(HttpHeaderNames.HOST, endpoint.host().indexOf(':') >= 0
                        ? "[" + endpoint.host() + "]:" + port : endpoint.host() + ":" + port)
                .set(HttpHeaderNames.ACCEPT, "text/plain");
        ch.writeAndFlush(request).addListener(f -> {
            if (!f.isSuccess()) {
                fail("send: " + f.cause().getMessage());
            }
        });
    }

    private void succeed(EngineMetrics metrics) {
        cancelTimeout();
        inFlight = false;
        if (failuresInRow >= FAILURES_BEFORE_WARNING) {
            log.info("scraping {} works again after {} failure(s)", endpoint.authority(), failuresInRow);
        }
        failuresInRow = 0;
        load.scraped(metrics.waiting(), metrics.running(), metrics.kvCacheUsage(), metrics.models(), metrics.lora(),
                clock.getAsLong());
        load.engineCounters(metrics.counters());
    }

    private void fail(String reason) {
        if (!inFlight) {
            return;
        }
        cancelTimeout();
        inFlight = false;
        load.scrapeFailed(clock.getAsLong());
        // Warn once a run of failures is long enough to matter, then every 100th failure: a down
        // replica must not flood the log. A lone miss (a JVM still warming up at start, a
        // replica's GC pause) costs one interval of the gateway's own counts and is only debug.
        failuresInRow++;
        if (failuresInRow < FAILURES_BEFORE_WARNING) {
            log.debug("scraping http://{}:{}{} failed: {}", host, port, path, reason);
        } else if ((failuresInRow - FAILURES_BEFORE_WARNING) % 100 == 0) {
            log.warn("scraping http://{}:{}{} failed: {} (routing uses the gateway's own counts meanwhile)",
                    host, port, path, reason);
        }
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }

    private void cancelTimeout() {
        if (timeout != null) {
            timeout.cancel(false);
            timeout = null;
        }
    }

    /** Reads one aggregated metrics answer; everything else closes the connection. */
    private final class ResponseHandler extends SimpleChannelInboundHandler<FullHttpResponse> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
            if (!inFlight || ctx.channel() != channel) {
                ctx.close();
                return;
            }
            if (!response.status().equals(HttpResponseStatus.OK)) {
                fail("status " + response.status().code());
                return;
            }
            EngineMetrics metrics = parser.parse(response.content().nioBuffer());
            if (!metrics.waitingFound() && !metrics.runningFound()) {
                // Typically LiteLLM's own /metrics instead of the engine's: see scrape.port.
                fail("no " + parser.profile().engine() + " queue metrics in the answer");
            } else {
                succeed(metrics);
            }
            if (!HttpUtil.isKeepAlive(response)) {
                ctx.close();
                channel = null;
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (ctx.channel() == channel) {
                fail("connection closed");
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (ctx.channel() == channel) {
                fail(cause.toString());
            }
            ctx.close();
        }
    }
}
