package io.qgate.bench.load;

import io.qgate.fleet.workload.PoissonGaps;
import io.qgate.gateway.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The load of one event loop: its connections, its arrivals and its measurements. Every method
 * runs on that loop's thread, so nothing here is locked.
 *
 * <p>Closed loop: {@code concurrency} virtual users, each sending its next request when the
 * previous one ended. Open loop: Poisson arrivals scheduled against absolute intended start
 * times; each takes an idle connection or opens one, and latency counts from the intended start,
 * so a slow server or a late timer shows up as latency instead of as a lower offered load.
 */
final class Lane {

    /**
     * A refused connection fails in microseconds: without a pause a closed loop would burn its
     * request budget and a core on connect errors.
     */
    private static final long CONNECT_RETRY_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final int MAX_CONNECT_TIMEOUT_MILLIS = 10_000;

    private final LoadOptions options;
    private final LaneShare share;
    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final InetSocketAddress address;
    private final RequestTemplate template;
    private final RequestFactory factory;
    private final SplittableRandom requestRandom;
    private final SplittableRandom arrivalRandom;
    private final long startNanos;
    /** Requests meant to start before this are the warm-up: sent, but not counted. */
    private final long measureFromNanos;
    private final long deadlineNanos;
    private final LaneStats stats = new LaneStats();
    private final ArrayDeque<LoadConnection> idle = new ArrayDeque<>();
    private final Set<LoadConnection> connections = new HashSet<>();
    private final Set<Exchange> connecting = new HashSet<>();
    private final List<ScheduledFuture<?>> timers = new ArrayList<>();
    private final CompletableFuture<StatsSnapshot> done = new CompletableFuture<>();

    private long remaining;
    private int inFlight;
    private boolean issuing = true;
    private boolean finished;
    private long nextArrivalNanos;
    private long lastCompletionNanos;
    private long endNanos;

    Lane(LoadOptions options, LaneShare share, EventLoop loop, Transport transport, InetSocketAddress address,
         RequestTemplate template, RequestFactory factory, SplittableRandom random, long startNanos,
         long measureFromNanos) {
        this.options = options;
        this.share = share;
        this.loop = loop;
        this.address = address;
        this.template = template;
        this.factory = factory;
        this.requestRandom = random.split();
        this.arrivalRandom = random.split();
        this.startNanos = startNanos;
        this.measureFromNanos = measureFromNanos;
        this.deadlineNanos = options.duration() == null ? Long.MAX_VALUE
                : measureFromNanos + options.duration().toNanos();
        this.remaining = share.requests();
        this.lastCompletionNanos = measureFromNanos;
        boolean stream = options.stream() && options.api().generates();
        int connectTimeout = (int) Math.min(MAX_CONNECT_TIMEOUT_MILLIS, Math.max(1, options.requestTimeout().toMillis()));
        this.bootstrap = new Bootstrap()
                .group(loop)
                .channel(transport.socketChannelClass())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeout)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(), new LoadConnection(Lane.this, stream));
                    }
                });
    }

    /** Completes with the lane's final measurements once it has stopped and drained. */
    CompletableFuture<StatsSnapshot> done() {
        return done;
    }

    /** When the lane's last request ended; read after {@link #done()} completed. */
    long endNanos() {
        return endNanos;
    }

    RequestTemplate template() {
        return template;
    }

    /** Starts issuing; call on any thread. */
    void start() {
        loop.execute(this::begin);
    }

    /** Measurements so far; call on any thread. */
    CompletableFuture<StatsSnapshot> snapshot() {
        return CompletableFuture.supplyAsync(() -> stats.snapshot(inFlight), loop);
    }

    private void begin() {
        long now = System.nanoTime();
        if (deadlineNanos != Long.MAX_VALUE) {
            timers.add(loop.schedule(this::stopIssuing, deadlineNanos - now, TimeUnit.NANOSECONDS));
        }
        long sweep = Math.min(TimeUnit.SECONDS.toNanos(1), options.requestTimeout().toNanos());
        timers.add(loop.scheduleAtFixedRate(this::expireRequests, sweep, sweep, TimeUnit.NANOSECONDS));
        if (options.openLoop()) {
            nextArrivalNanos = startNanos + interArrivalNanos();
            arrive();
        } else {
            for (int user = 0; user < share.concurrency(); user++) {
                issueClosed(null);
            }
        }
        if (share.concurrency() == 0 && !options.openLoop() || remaining == 0) {
            stopIssuing();
        }
    }

    /** The open loop's clock: issues every arrival that is due, then sleeps until the next one. */
    private void arrive() {
        if (!issuing) {
            return;
        }
        long now = System.nanoTime();
        while (nextArrivalNanos <= now) {
            if (nextArrivalNanos >= deadlineNanos) {
                stopIssuing();
                return;
            }
            dispatch(newExchange(nextArrivalNanos));
            nextArrivalNanos += interArrivalNanos();
            if (remaining == 0) {
                stopIssuing();
                return;
            }
        }
        loop.schedule(this::arrive, nextArrivalNanos - now, TimeUnit.NANOSECONDS);
    }

    private long interArrivalNanos() {
        return PoissonGaps.nextNanos(arrivalRandom, share.rate());
    }

    private void dispatch(Exchange exchange) {
        LoadConnection connection;
        while ((connection = idle.pollLast()) != null) {
            if (connection.isReusable()) {
                connection.send(exchange);
                return;
            }
        }
        if (connections.size() + connecting.size() < share.maxConnections()) {
            connect(exchange);
        } else {
            // Waiting for a free connection would quietly lower the offered load.
            complete(null, exchange, Outcome.failed(ErrorKinds.CLIENT_SATURATED));
        }
    }

    /** A closed-loop user's next request, on its own connection when that can be reused. */
    private void issueClosed(LoadConnection connection) {
        long now = System.nanoTime();
        if (!issuing || remaining == 0 || now >= deadlineNanos) {
            stopIssuing();
            return;
        }
        Exchange exchange = newExchange(now);
        if (connection != null && connection.isReusable()) {
            connection.send(exchange);
        } else {
            connect(exchange);
        }
    }

    private Exchange newExchange(long intendedStartNanos) {
        inFlight++;
        if (intendedStartNanos >= measureFromNanos) {
            remaining--;
            stats.sent();
        }
        return new Exchange(factory.next(requestRandom), intendedStartNanos);
    }

    /** Whether the request counts: the warm-up's requests go out on the same connections, uncounted. */
    private boolean measured(Exchange exchange) {
        return exchange.intendedStartNanos() >= measureFromNanos;
    }

    private void connect(Exchange exchange) {
        connecting.add(exchange);
        ChannelFuture future = bootstrap.connect(address);
        future.addListener((ChannelFutureListener) f -> {
            if (!connecting.remove(exchange)) {
                f.channel().close(); // the lane finished while this connection was being opened
                return;
            }
            if (!f.isSuccess()) {
                complete(null, exchange, Outcome.failed(ErrorKinds.CONNECT));
                return;
            }
            LoadConnection connection = f.channel().pipeline().get(LoadConnection.class);
            connections.add(connection);
            connection.send(exchange);
        });
    }

    /** Called by a connection (or by the lane, for requests that never got one) when a request ended. */
    void complete(LoadConnection connection, Exchange exchange, Outcome outcome) {
        if (finished) {
            return; // already counted as a timeout when the drain ran out
        }
        inFlight--;
        lastCompletionNanos = System.nanoTime();
        if (measured(exchange)) {
            stats.record(outcome);
        }
        if (options.openLoop()) {
            if (connection != null && connection.isReusable()) {
                idle.addLast(connection);
            }
        } else if (ErrorKinds.CONNECT.equals(outcome.error())) {
            loop.schedule(() -> issueClosed(null), CONNECT_RETRY_DELAY_NANOS, TimeUnit.NANOSECONDS);
        } else {
            issueClosed(connection);
        }
        maybeFinish();
    }

    /** Called by a connection when its channel has closed. */
    void closed(LoadConnection connection) {
        connections.remove(connection);
        idle.remove(connection);
    }

    /** Issues nothing more; what is in flight may finish until the drain timeout. */
    private void stopIssuing() {
        if (!issuing) {
            return;
        }
        issuing = false;
        timers.add(loop.schedule(this::finish, options.drainTimeout().toNanos(), TimeUnit.NANOSECONDS));
        maybeFinish();
    }

    private void maybeFinish() {
        if (!issuing && inFlight == 0) {
            finish();
        }
    }

    /** Fails the requests that have waited longer than the request timeout. */
    private void expireRequests() {
        long limit = System.nanoTime() - options.requestTimeout().toNanos();
        List<LoadConnection> expired = new ArrayList<>();
        for (LoadConnection connection : connections) {
            Exchange exchange = connection.exchange();
            if (exchange != null && exchange.intendedStartNanos() < limit) {
                expired.add(connection);
            }
        }
        expired.forEach(connection -> connection.fail(ErrorKinds.TIMEOUT));
    }

    /** Counts what is still outstanding as timed out, closes every connection and reports. */
    private void finish() {
        if (finished) {
            return;
        }
        long now = System.nanoTime();
        endNanos = inFlight == 0 ? lastCompletionNanos : now;
        for (LoadConnection connection : connections) {
            if (connection.exchange() != null && measured(connection.exchange())) {
                stats.record(Outcome.failed(ErrorKinds.TIMEOUT));
            }
        }
        for (Exchange exchange : connecting) {
            if (measured(exchange)) {
                stats.record(Outcome.failed(ErrorKinds.TIMEOUT));
            }
        }
        finished = true;
        inFlight = 0;
        connecting.clear();
        timers.forEach(timer -> timer.cancel(false));
        for (LoadConnection connection : new ArrayList<>(connections)) {
            connection.discard();
        }
        idle.clear();
        done.complete(stats.snapshot(0));
    }
}
