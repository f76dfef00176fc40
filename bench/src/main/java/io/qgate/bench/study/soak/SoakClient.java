package io.qgate.bench.study.soak;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.qgate.bench.load.Lane;
import io.qgate.bench.load.LanePlan;
import io.qgate.bench.load.LaneTargets;
import io.qgate.gateway.Transport;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The soak's load generator: one load generator's {@link Lane} per event loop, each with an equal share of the
 * rate (open loop) or of the users (closed loop). A run is started, then awaited; the client can
 * run several loads one after the other, and is closed at the end.
 */
final class SoakClient implements AutoCloseable {

    /** A request that cannot get a connection beyond this many per lane is not sent (ended as {@link Ending#CONNECT}). */
    private static final int MAX_CONNECTIONS = 4096;
    private static final long CLOSED_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final LaneTargets targets;
    private final String authority;
    private final GatewayBook book;
    private final Transport transport = Transport.best();
    private final EventLoopGroup group;
    private final int threads;

    SoakClient(InetSocketAddress target, int threads) {
        this(LaneTargets.of(target), target.getHostString() + ":" + target.getPort(), null, threads);
    }

    /**
     * A client that spreads its connections over {@code targets}, as a Service's clients do,
     * trying the next on a refused connect; {@code book} (or {@code null}) counts each gateway's apart.
     */
    SoakClient(LaneTargets targets, String authority, GatewayBook book, int threads) {
        this.targets = targets;
        this.authority = authority;
        this.book = book;
        this.threads = threads;
        this.group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("qgate-soak-client", true),
                transport.ioHandlerFactory());
    }

    /** Starts an open loop of {@code rate} requests per second for {@code duration}; the future ends with its drain. */
    CompletableFuture<Void> open(SoakTraffic traffic, SoakStats stats, double rate, Duration duration, long seed) {
        return start(traffic, stats, rate, 0, duration, seed);
    }

    /** Starts a closed loop of {@code users} for {@code duration}; the future ends with its drain. */
    CompletableFuture<Void> closed(SoakTraffic traffic, SoakStats stats, int users, Duration duration, long seed) {
        return start(traffic, stats, 0, users, duration, seed);
    }

    private CompletableFuture<Void> start(SoakTraffic traffic, SoakStats stats, double rate, int users,
                                          Duration duration, long seed) {
        SplittableRandom seeds = new SplittableRandom(seed);
        long startNanos = System.nanoTime();
        SoakLoad load = new SoakLoad(traffic, stats, authority, book);
        List<Lane<SoakTraffic.Request>> lanes = new ArrayList<>();
        int index = 0;
        for (EventExecutor executor : group) {
            int laneUsers = users / threads + (index < users % threads ? 1 : 0);
            LanePlan plan = new LanePlan(rate / threads, laneUsers, Long.MAX_VALUE, MAX_CONNECTIONS, startNanos,
                    startNanos, startNanos + duration.toNanos(), SoakOptions.REQUEST_TIMEOUT.toNanos(),
                    SoakOptions.DRAIN_TIMEOUT.toNanos(), CLOSED_RETRY_NANOS);
            lanes.add(new Lane<>(plan, load, (EventLoop) executor, transport, targets, seeds.split()));
            index++;
        }
        lanes.forEach(Lane::start);
        return CompletableFuture.allOf(lanes.stream().map(Lane::done).toArray(CompletableFuture[]::new));
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
