package io.qgate.fleet;

import static java.util.Objects.requireNonNull;

import io.qgate.routing.peers.PeerCodec;
import io.qgate.routing.peers.PeerExchange;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The simulated gateways telling each other what they dispatched, as qgate's peers do over UDP:
 * each gateway's production {@link PeerExchange}, on the simulation's clock, sends its datagrams
 * to every other gateway when they are due ({@link PeerExchange#due}); each datagram arrives after the modelled delay, or is
 * lost with the modelled probability. The bytes are the real ones: encoded, authenticated and
 * checked as the gateway does, once per datagram for all the gateways it reaches (they share the
 * key, so each would read the same).
 */
public final class PeerNetwork {

    /**
     * @param interval how often each gateway sends ({@code peers.interval})
     * @param delay    one datagram's time on the wire
     * @param loss     the share of datagrams lost, in [0, 1)
     */
    public record Settings(Duration interval, Duration delay, double loss) {
        /** The model: the default 10 ms interval, 1 ms on the wire, 1% lost. */
        public static final Settings MODELLED = new Settings(Duration.ofMillis(10), Duration.ofMillis(1), 0.01);

        public Settings {
            requireNonNull(interval, "interval");
            requireNonNull(delay, "delay");
            if (interval.isZero() || interval.isNegative()) {
                throw new IllegalArgumentException("interval: " + interval + " (expected: > 0)");
            }
            if (delay.isNegative()) {
                throw new IllegalArgumentException("delay: " + delay + " (expected: >= 0)");
            }
            if (!(loss >= 0 && loss < 1)) {
                throw new IllegalArgumentException("loss: " + loss + " (expected: in [0, 1))");
            }
        }
    }

    private static final byte[] KEY = "the fleet simulation's shared key".getBytes(StandardCharsets.UTF_8);

    private PeerNetwork() {}

    /** Connects every gateway to every other one; each starts sending at its own phase of the interval. */
    static List<PeerExchange> connect(Simulation sim, List<Gateway> gateways, Settings settings,
                                      SplittableRandom random) {
        List<PeerExchange> exchanges = new ArrayList<>();
        for (int i = 0; i < gateways.size(); i++) {
            // The simulation's clock serves as the wall clock too: sequences are its microseconds.
            exchanges.add(new PeerExchange(i + 1, KEY, gateways.get(i).loads(), sim.clock(), () -> sim.now() / 1000));
        }
        long interval = settings.interval().toNanos();
        long check = Math.min(interval, PeerExchange.CHECK_NANOS);
        long delay = settings.delay().toNanos();
        PeerCodec reader = new PeerCodec(KEY);
        for (int i = 0; i < exchanges.size(); i++) {
            PeerExchange from = exchanges.get(i);
            // As the gateway's transport: asked every check, the exchange decides when a round is due.
            sim.every(sim.now() + (long) (random.nextDouble() * check), check, () -> {
                from.expire();
                List<byte[]> datagrams = from.due(interval);
                List<PeerCodec.Decoded> read = new ArrayList<>(datagrams.size());
                for (byte[] datagram : datagrams) {
                    read.add(reader.decode(datagram, datagram.length));
                }
                for (PeerExchange to : exchanges) {
                    if (to == from) {
                        continue;
                    }
                    for (PeerCodec.Decoded datagram : read) {
                        if (random.nextDouble() >= settings.loss()) {
                            sim.after(delay, () -> to.receive(datagram));
                        }
                    }
                }
            });
        }
        return exchanges;
    }
}
