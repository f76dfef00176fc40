package io.qgate.gateway.peers;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.qgate.discovery.EndpointSource;
import io.qgate.routing.Endpoint;
import io.qgate.routing.EndpointSnapshot;
import io.qgate.routing.Router;
import io.qgate.routing.peers.PeerCodec;
import io.qgate.routing.peers.PeerExchange;
import io.qgate.routing.peers.PeerVerdict;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;

import static java.util.Objects.requireNonNull;

/**
 * Carries the {@link PeerExchange} over UDP: one datagram socket on the peers port, on a thread of
 * its own, which every millisecond ages silent peers out and sends this gateway's counts to every
 * peer when they are due ({@link PeerExchange#due}), and reads what peers send in between.
 *
 * <p>Why datagrams: the counts are cumulative, so a lost datagram is healed by the next one ten
 * milliseconds later and nothing needs retransmitting, ordering or a connection to keep up; a
 * stream would add head-of-line blocking and reconnects for no gain. The one thread keeps the
 * exchange confined, as it requires.
 */
public final class PeerTransport implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PeerTransport.class);

    private final PeerExchange exchange;
    private final EndpointSource source;
    private final ToIntFunction<Endpoint> portOf;
    private final EventLoopGroup group;
    private final Channel channel;
    private final long intervalNanos;
    /** Where the peers are, replaced whole when the source reports a change. */
    private volatile List<InetSocketAddress> peers = List.of();
    private long lastResolveNanos = System.nanoTime();
    private static final long RESOLVE_AGAIN_NANOS = 5_000_000_000L;

    /**
     * Binds {@code host:port} and starts sending every {@code interval}.
     *
     * @param source where the peers are
     * @param portOf the peers port of one of the source's endpoints
     */
    public PeerTransport(PeerExchange exchange, EndpointSource source, ToIntFunction<Endpoint> portOf, String host,
                         int port, Duration interval) {
        this.exchange = requireNonNull(exchange, "exchange");
        this.source = requireNonNull(source, "source");
        this.portOf = requireNonNull(portOf, "portOf");
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("qgate-peers", true),
                NioIoHandler.newFactory());
        try {
            this.channel = new Bootstrap()
                    .group(group)
                    .channel(NioDatagramChannel.class)
                    // One byte more than a message may have: a larger datagram is cut there and seen as oversized.
                    .option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(PeerCodec.MAX_DATAGRAM + 1))
                    .handler(new Receiver())
                    .bind(new InetSocketAddress(host, port))
                    .syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
        source.start(this::peersChanged);
        this.intervalNanos = interval.toNanos();
        long check = Math.min(intervalNanos, PeerExchange.CHECK_NANOS);
        channel.eventLoop().scheduleAtFixedRate(this::tick, check, check, TimeUnit.NANOSECONDS);
    }

    /** {@code qgate_peer_messages_total{result}} and {@code qgate_peers_live}. */
    public void register(MeterRegistry registry) {
        for (PeerVerdict verdict : PeerVerdict.values()) {
            if (verdict != PeerVerdict.OWN) {
                FunctionCounter.builder("qgate.peer.messages", exchange, e -> e.count(verdict))
                        .description("Datagrams received from peer gateways, by what became of them")
                        .tag("result", verdict.label())
                        .register(registry);
            }
        }
        Gauge.builder("qgate.peers.live", exchange, PeerExchange::live)
                .description("Peer gateways heard from within the last 3 s")
                .strongReference(true)
                .register(registry);
    }

    /**
     * {@code qgate_peers_unseen_requests{pool}}: the requests the peers sent {@code pool}'s replicas
     * that this gateway has not heard of yet.
     */
    public static void registerPool(MeterRegistry registry, String pool, Router router) {
        Gauge.builder("qgate.peers.unseen.requests", router, Router::peersUnseen)
                .description("Requests peer gateways sent the pool that this gateway has not heard of yet "
                        + "(their rate times their reports' lag); from half a request, picks are spread")
                .tag("pool", pool)
                .strongReference(true)
                .register(registry);
    }

    /** The bound UDP port. */
    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    public String describe() {
        return "peers " + source.describe() + " on UDP :" + port();
    }

    private void peersChanged(EndpointSnapshot snapshot) {
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (Endpoint endpoint : snapshot.endpoints()) {
            addresses.add(new InetSocketAddress(endpoint.host(), portOf.applyAsInt(endpoint)));
        }
        peers = List.copyOf(addresses);
        log.info("peer gateways now {}", addresses);
    }

    private void tick() {
        exchange.expire();
        resolveAgainNowAndThen();
        List<byte[]> datagrams = exchange.due(intervalNanos);
        if (datagrams.isEmpty()) {
            return;
        }
        for (InetSocketAddress peer : peers) {
            if (peer.isUnresolved()) {
                continue;
            }
            for (byte[] datagram : datagrams) {
                channel.write(new DatagramPacket(Unpooled.wrappedBuffer(datagram), peer), channel.voidPromise());
            }
        }
        channel.flush();
    }

    /**
     * A peer named by a host name that did not resolve (its pod not up yet, say) is looked up
     * again every few seconds, on this thread of its own: the lookup may block.
     */
    private void resolveAgainNowAndThen() {
        long now = System.nanoTime();
        if (now - lastResolveNanos < RESOLVE_AGAIN_NANOS) {
            return;
        }
        lastResolveNanos = now;
        List<InetSocketAddress> current = peers;
        if (current.stream().anyMatch(InetSocketAddress::isUnresolved)) {
            peers = current.stream().map(peer -> peer.isUnresolved()
                    ? new InetSocketAddress(peer.getHostString(), peer.getPort()) : peer).toList();
        }
    }

    /** Reads every datagram into the exchange; each is released here (SimpleChannelInboundHandler). */
    private final class Receiver extends SimpleChannelInboundHandler<DatagramPacket> {
        private final byte[] buffer = new byte[PeerCodec.MAX_DATAGRAM + 1];

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            ByteBuf content = packet.content();
            int length = content.readableBytes();
            content.getBytes(content.readerIndex(), buffer, 0, Math.min(length, buffer.length));
            exchange.receive(buffer, length);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A peer that is not there yet answers with ICMP port unreachable: not worth more than a debug line.
            log.debug("peer datagram socket: {}", cause.toString());
        }
    }

    @Override
    public void close() {
        source.close();
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
