package io.qgate.gateway.peers;

import io.qgate.discovery.EndpointSource;
import io.qgate.discovery.StaticEndpointSource;
import io.qgate.discovery.kubernetes.KubernetesEndpointSource;
import io.qgate.discovery.kubernetes.KubernetesSettings;
import io.qgate.gateway.config.GatewayConfig;
import io.qgate.gateway.config.PeersConfig;
import io.qgate.routing.Endpoint;
import io.qgate.routing.peers.PeerExchange;
import io.qgate.routing.peers.ReplicaLoads;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.function.LongSupplier;
import java.util.function.ToIntFunction;

/** Starts the peer exchange a configuration asks for, or nothing. */
public final class Peers {

    private Peers() {
    }

    /**
     * The running exchange with the configured peers, or null when none are configured (then no
     * socket is opened and routing is as without this feature).
     *
     * @param adminPort the admin port the gateway bound, whose neighbour is the default peers port
     * @param loads     the replicas of every router of the gateway
     * @param clock     the gateway's clock
     */
    public static PeerTransport start(GatewayConfig config, int adminPort, ReplicaLoads loads, LongSupplier clock) {
        PeersConfig peers = config.peers();
        if (!peers.enabled()) {
            return null;
        }
        int port = peers.port(adminPort);
        EndpointSource source;
        ToIntFunction<Endpoint> portOf;
        if (!peers.kubernetesService().isEmpty()) {
            // The gateway's own Service in its own namespace; its pods' addresses, on this same port.
            source = KubernetesEndpointSource.create(KubernetesSettings.of(peers.kubernetesService()));
            portOf = endpoint -> port;
        } else {
            source = StaticEndpointSource.parse(peers.endpoints());
            portOf = Endpoint::port;
        }
        // A new id at every start: a restarted gateway is a new peer, its counts start afresh.
        long self = new SecureRandom().nextLong();
        PeerExchange exchange = new PeerExchange(self, peers.key(), loads, clock, Peers::wallMicros);
        try {
            return new PeerTransport(exchange, source, portOf, config.server().host(), port, peers.interval());
        } catch (RuntimeException e) {
            source.close();
            throw e;
        }
    }

    private static long wallMicros() {
        return ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
    }
}
