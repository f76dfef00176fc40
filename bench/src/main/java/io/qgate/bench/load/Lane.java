package io.qgate.bench.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.qgate.fleet.workload.PoissonGaps;
import io.qgate.gateway.Transport;
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
import java.util.function.LongFunction;

/**
 * The load of one event loop: its connections, its arrivals and its timeouts. Every method runs
 * on that loop's thread, so nothing here is locked. What is sent and how it is counted belong to
 * the {@link LaneTraffic}: the load generator and the soak drive this same lane.
 *
 * <p>Closed loop: virtual users, each sending its next request when the previous one ended.
 * Open loop: Poisson arrivals scheduled against absolute intended start times; each takes an idle
 * connection or opens one, and latency counts from the intended start, so a slow server or a late
 * timer shows up as latency instead of as a lower offered load.
 *
 * @param <R> the study's request
 */
public final class Lane<R> {

    private final LanePlan plan;
    private final LaneTraffic<R> traffic;
    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final LaneTargets targets;
    private final SplittableRandom requestRandom;
    private final SplittableRandom arrivalRandom;
    private final ArrayDeque<LaneConnection<R>> idle = new ArrayDeque<>();
    private final Set<LaneConnection<R>> connections = new HashSet<>();
    private final Set<Exchange<R>> connecting = new HashSet<>();
    private final List<ScheduledFuture<?>> timers = new ArrayList<>();
    private final CompletableFuture<Void> done = new CompletableFuture<>();

    private long remaining;
    private int inFlight;
    private boolean issuing = true;
    private boolean finished;
    private long nextArrivalNanos;
    private long lastCompletionNanos;
    private long stoppedIssuingNanos;
    private long endNanos;

    public Lane(LanePlan plan, LaneTraffic<R> traffic, EventLoop loop, Transport transport, InetSocketAddress address,
                SplittableRandom random) {
        this(plan, traffic, loop, transport, LaneTargets.of(address), random);
    }

    /** A lane that spreads its connections over {@code targets}, trying the next on a refused connect. */
    public Lane(LanePlan plan, LaneTraffic<R> traffic, EventLoop loop, Transport transport, LaneTargets targets,
                SplittableRandom random) {
        this.plan = plan;
        this.traffic = traffic;
        this.loop = loop;
        this.targets = targets;
        this.requestRandom = random.split();
        this.arrivalRandom = random.split();
        this.remaining = plan.requests();
        this.lastCompletionNanos = plan.measureFromNanos();
        this.bootstrap = new Bootstrap()
                .group(loop)
                .channel(transport.socketChannelClass())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, plan.connectTimeoutMillis())
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(), new LaneConnection<>(Lane.this));
                    }
                });
    }

    /** Completes once the lane has stopped issuing and every request it sent has ended. */
    public CompletableFuture<Void> done() {
        return done;
    }

    /** When the lane's last request ended; read after {@link #done()} completed. */
    public long endNanos() {
        return endNanos;
    }

    /** When the lane stopped issuing (its deadline, its budget or its last user); read after {@link #done()}. */
    public long stoppedIssuingNanos() {
        return stoppedIssuingNanos;
    }

    /** Starts issuing; call on any thread. */
    public void start() {
        loop.execute(this::begin);
    }

    /** Runs {@code read} on the lane's loop, given the number of requests in flight; call on any thread. */
    public <T> CompletableFuture<T> read(LongFunction<T> read) {
        return CompletableFuture.supplyAsync(() -> read.apply(inFlight), loop);
    }

    LaneTraffic<R> traffic() {
        return traffic;
    }

    private void begin() {
        long now = System.nanoTime();
        if (plan.deadlineNanos() != Long.MAX_VALUE) {
            timers.add(loop.schedule(this::stopIssuing, Math.max(0, plan.deadlineNanos() - now), TimeUnit.NANOSECONDS));
        }
        long sweep = plan.sweepNanos();
        timers.add(loop.scheduleAtFixedRate(this::expireRequests, sweep, sweep, TimeUnit.NANOSECONDS));
        if (plan.openLoop()) {
            nextArrivalNanos = plan.startNanos() + interArrivalNanos();
            arrive();
        } else {
            for (int user = 0; user < plan.users(); user++) {
                issueClosed(null);
            }
        }
        if (plan.users() == 0 && !plan.openLoop() || remaining == 0) {
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
            if (nextArrivalNanos >= plan.deadlineNanos()) {
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
        return PoissonGaps.nextNanos(arrivalRandom, plan.rate());
    }

    private void dispatch(Exchange<R> exchange) {
        LaneConnection<R> connection;
        while ((connection = idle.pollLast()) != null) {
            if (connection.isReusable()) {
                connection.send(exchange);
                return;
            }
        }
        if (connections.size() + connecting.size() < plan.maxConnections()) {
            connect(exchange);
        } else {
            // Waiting for a free connection would quietly lower the offered load.
            complete(null, exchange, Outcome.failed(ErrorKinds.CLIENT_SATURATED));
        }
    }

    /** A closed-loop user's next request, on its own connection when that can be reused. */
    private void issueClosed(LaneConnection<R> connection) {
        long now = System.nanoTime();
        if (!issuing || remaining == 0 || now >= plan.deadlineNanos()) {
            stopIssuing();
            return;
        }
        Exchange<R> exchange = newExchange(now);
        if (connection != null && connection.isReusable()) {
            connection.send(exchange);
        } else {
            connect(exchange);
        }
    }

    private Exchange<R> newExchange(long intendedStartNanos) {
        R request = traffic.next(requestRandom);
        inFlight++;
        Exchange<R> exchange = new Exchange<>(request, intendedStartNanos);
        if (measured(exchange)) {
            remaining--;
            traffic.sent(request);
        }
        return exchange;
    }

    /** Whether the request counts: the warm-up's requests go out on the same connections, uncounted. */
    private boolean measured(Exchange<R> exchange) {
        return exchange.intendedStartNanos() >= plan.measureFromNanos();
    }

    private void connect(Exchange<R> exchange) {
        connect(exchange, targets.start(), targets.size());
    }

    /** Opens a connection for {@code exchange}; a failed connect tries the next target while attempts remain. */
    private void connect(Exchange<R> exchange, int target, int attempts) {
        connecting.add(exchange);
        ChannelFuture future = bootstrap.connect(targets.at(target));
        future.addListener((ChannelFutureListener) f -> {
            if (!connecting.remove(exchange)) {
                f.channel().close(); // the lane finished while this connection was being opened
                return;
            }
            if (!f.isSuccess()) {
                if (attempts > 1) {
                    connect(exchange, target + 1, attempts - 1);
                } else {
                    complete(null, exchange, Outcome.failed(ErrorKinds.CONNECT));
                }
                return;
            }
            @SuppressWarnings("unchecked")
            LaneConnection<R> connection = f.channel().pipeline().get(LaneConnection.class);
            connections.add(connection);
            connection.send(exchange);
        });
    }

    /** Called by a connection (or by the lane, for requests that never got one) when a request ended. */
    void complete(LaneConnection<R> connection, Exchange<R> exchange, Outcome outcome) {
        if (finished || !end(exchange, outcome)) {
            return; // already counted as a timeout when the drain ran out
        }
        if (plan.openLoop()) {
            if (connection != null && connection.isReusable()) {
                idle.addLast(connection);
            }
        } else if (ErrorKinds.CONNECT.equals(outcome.error())) {
            loop.schedule(() -> issueClosed(null), plan.connectRetryNanos(), TimeUnit.NANOSECONDS);
        } else {
            issueClosed(connection);
        }
        maybeFinish();
    }

    /** Counts the end of a request once; false if it had already ended. */
    private boolean end(Exchange<R> exchange, Outcome outcome) {
        if (!exchange.markEnded()) {
            traffic.endedTwice(exchange.request());
            return false;
        }
        inFlight--;
        lastCompletionNanos = System.nanoTime();
        if (measured(exchange)) {
            traffic.ended(exchange.request(), outcome);
        }
        return true;
    }

    /** Called by a connection when its channel has closed. */
    void closed(LaneConnection<R> connection) {
        connections.remove(connection);
        idle.remove(connection);
    }

    /** Issues nothing more; what is in flight may finish until the drain timeout. */
    private void stopIssuing() {
        if (!issuing) {
            return;
        }
        issuing = false;
        stoppedIssuingNanos = System.nanoTime();
        timers.add(loop.schedule(this::finish, plan.drainNanos(), TimeUnit.NANOSECONDS));
        maybeFinish();
    }

    private void maybeFinish() {
        if (!issuing && inFlight == 0) {
            finish();
        }
    }

    /** Fails the requests that have waited longer than the request timeout. */
    private void expireRequests() {
        long limit = System.nanoTime() - plan.requestTimeoutNanos();
        List<LaneConnection<R>> expired = new ArrayList<>();
        for (LaneConnection<R> connection : connections) {
            Exchange<R> exchange = connection.exchange();
            if (exchange != null && exchange.intendedStartNanos() < limit) {
                expired.add(connection);
            }
        }
        expired.forEach(connection -> connection.fail(ErrorKinds.TIMEOUT));
    }

    /** Ends what is still outstanding as timed out, closes every connection and completes {@link #done()}. */
    private void finish() {
        if (finished) {
            return;
        }
        finished = true;
        endNanos = inFlight == 0 ? lastCompletionNanos : System.nanoTime();
        List<Exchange<R>> open = new ArrayList<>(connecting);
        for (LaneConnection<R> connection : connections) {
            if (connection.exchange() != null) {
                open.add(connection.exchange());
            }
        }
        open.forEach(exchange -> end(exchange, Outcome.failed(ErrorKinds.TIMEOUT)));
        inFlight = 0;
        connecting.clear();
        timers.forEach(timer -> timer.cancel(false));
        for (LaneConnection<R> connection : new ArrayList<>(connections)) {
            connection.discard();
        }
        idle.clear();
        done.complete(null);
    }
}
