package io.qgate.bench.soak;

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

/**
 * The soak load of one event loop; every method runs on that loop, so nothing is locked.
 *
 * <p>Open loop: Poisson arrivals at absolute intended start times, each on an idle connection or
 * a new one, so a slow gateway shows as latency rather than as a lower offered load. Closed loop
 * (the capacity probe): a fixed number of users, each sending its next request when the last ended.
 */
final class SoakLane implements SoakConnection.Owner {

    /** A request that cannot get a connection beyond this many is not sent (ended as {@link Ending#CONNECT}). */
    private static final int MAX_CONNECTIONS = 4096;
    private static final long SWEEP_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long CLOSED_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final InetSocketAddress address;
    private final SoakTraffic traffic;
    private final SoakStats stats;
    private final SplittableRandom requestRandom;
    private final SplittableRandom arrivalRandom;
    private final double rate;
    private final int users;
    private final long startNanos;
    private final long deadlineNanos;
    private final long requestTimeoutNanos;
    private final long drainNanos;
    private final ArrayDeque<SoakConnection> idle = new ArrayDeque<>();
    private final Set<SoakConnection> connections = new HashSet<>();
    private final Set<SoakExchange> connecting = new HashSet<>();
    private final List<ScheduledFuture<?>> timers = new ArrayList<>();
    private final CompletableFuture<Void> done = new CompletableFuture<>();

    private boolean issuing = true;
    private boolean finishing;
    private boolean finished;
    private int inFlight;
    private long nextArrivalNanos;

    /**
     * @param rate  this lane's share of the open-loop rate (requests per second), or 0 for a closed loop
     * @param users this lane's closed-loop users (ignored when {@code rate} is positive)
     */
    SoakLane(EventLoop loop, Transport transport, InetSocketAddress address, SoakTraffic traffic, SoakStats stats,
             SplittableRandom random, double rate, int users, long startNanos, long durationNanos,
             long requestTimeoutNanos, long drainNanos) {
        this.loop = loop;
        this.address = address;
        this.traffic = traffic;
        this.stats = stats;
        this.requestRandom = random.split();
        this.arrivalRandom = random.split();
        this.rate = rate;
        this.users = users;
        this.startNanos = startNanos;
        this.deadlineNanos = startNanos + durationNanos;
        this.requestTimeoutNanos = requestTimeoutNanos;
        this.drainNanos = drainNanos;
        String authority = address.getHostString() + ":" + address.getPort();
        this.bootstrap = new Bootstrap()
                .group(loop)
                .channel(transport.socketChannelClass())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(), new SoakConnection(SoakLane.this, authority));
                    }
                });
    }

    /** Completes once the lane has stopped issuing and every request it sent has ended. */
    CompletableFuture<Void> done() {
        return done;
    }

    void start() {
        loop.execute(this::begin);
    }

    private void begin() {
        long now = System.nanoTime();
        timers.add(loop.schedule(this::stopIssuing, Math.max(0, deadlineNanos - now), TimeUnit.NANOSECONDS));
        timers.add(loop.scheduleAtFixedRate(this::expire, SWEEP_NANOS, SWEEP_NANOS, TimeUnit.NANOSECONDS));
        if (rate > 0) {
            nextArrivalNanos = startNanos + interArrivalNanos();
            arrive();
        } else {
            for (int user = 0; user < users; user++) {
                issueClosed(null);
            }
            if (users == 0) {
                stopIssuing();
            }
        }
    }

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
        }
        loop.schedule(this::arrive, nextArrivalNanos - now, TimeUnit.NANOSECONDS);
    }

    private long interArrivalNanos() {
        return PoissonGaps.nextNanos(arrivalRandom, rate);
    }

    private SoakExchange newExchange(long intendedStartNanos) {
        SoakTraffic.Request request = traffic.next(requestRandom);
        inFlight++;
        stats.sent(request);
        return new SoakExchange(request, intendedStartNanos);
    }

    private void dispatch(SoakExchange exchange) {
        SoakConnection connection;
        while ((connection = idle.pollLast()) != null) {
            if (connection.isReusable()) {
                connection.send(exchange);
                return;
            }
        }
        if (connections.size() + connecting.size() >= MAX_CONNECTIONS) {
            ended(null, exchange, Ending.CONNECT, 0, -1, "");
            return;
        }
        connecting.add(exchange);
        ChannelFuture future = bootstrap.connect(address);
        future.addListener((ChannelFutureListener) f -> {
            if (!connecting.remove(exchange)) {
                f.channel().close(); // the lane finished while this connection was being opened
                return;
            }
            if (!f.isSuccess()) {
                ended(null, exchange, Ending.CONNECT, 0, -1, "");
                return;
            }
            SoakConnection opened = f.channel().pipeline().get(SoakConnection.class);
            connections.add(opened);
            opened.send(exchange);
        });
    }

    private void issueClosed(SoakConnection connection) {
        if (!issuing || System.nanoTime() >= deadlineNanos) {
            stopIssuing();
            return;
        }
        SoakExchange exchange = newExchange(System.nanoTime());
        if (connection != null && connection.isReusable()) {
            connection.send(exchange);
        } else {
            dispatch(exchange);
        }
    }

    @Override
    public void ended(SoakConnection connection, SoakExchange exchange, Ending ending, int status, long ttftAtNanos,
                      String errorBody) {
        if (finished) {
            return; // already ended as a timeout when the drain ran out
        }
        if (!exchange.markEnded()) {
            stats.endedTwice();
            return;
        }
        inFlight--;
        long now = System.nanoTime();
        long ttft = ttftAtNanos < 0 || !exchange.request().stream() ? -1 : ttftAtNanos - exchange.intendedStartNanos();
        stats.ended(exchange.request(), ending, status, ttft, now - exchange.intendedStartNanos(), errorBody);
        if (rate > 0) {
            if (connection != null && connection.isReusable()) {
                idle.addLast(connection);
            }
        } else if (ending == Ending.CONNECT) {
            loop.schedule(() -> issueClosed(null), CLOSED_RETRY_NANOS, TimeUnit.NANOSECONDS);
        } else {
            issueClosed(connection);
        }
        if (!issuing && inFlight == 0 && !finishing) {
            finish();
        }
    }

    @Override
    public void closed(SoakConnection connection) {
        connections.remove(connection);
        idle.remove(connection);
    }

    private void stopIssuing() {
        if (!issuing) {
            return;
        }
        issuing = false;
        timers.add(loop.schedule(this::finish, drainNanos, TimeUnit.NANOSECONDS));
        if (inFlight == 0) {
            finish();
        }
    }

    private void expire() {
        long limit = System.nanoTime() - requestTimeoutNanos;
        List<SoakConnection> late = new ArrayList<>();
        for (SoakConnection connection : connections) {
            SoakExchange exchange = connection.exchange();
            if (exchange != null && exchange.intendedStartNanos() < limit) {
                late.add(connection);
            }
        }
        late.forEach(connection -> connection.end(Ending.TIMEOUT, true));
    }

    /** Ends whatever is still open as timed out, closes every connection and completes {@link #done()}. */
    private void finish() {
        if (finishing) {
            return;
        }
        finishing = true;
        List<SoakExchange> open = new ArrayList<>(connecting);
        for (SoakConnection connection : connections) {
            if (connection.exchange() != null) {
                open.add(connection.exchange());
            }
        }
        for (SoakExchange exchange : open) {
            ended(null, exchange, Ending.TIMEOUT, 0, -1, "");
        }
        finished = true;
        connecting.clear();
        timers.forEach(timer -> timer.cancel(false));
        for (SoakConnection connection : new ArrayList<>(connections)) {
            connection.discard();
        }
        idle.clear();
        done.complete(null);
    }
}
