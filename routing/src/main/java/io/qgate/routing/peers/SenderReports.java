package io.qgate.routing.peers;

import io.qgate.routing.EndpointLoad;

import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What this gateway last reported of one sender to each replica's {@link io.qgate.routing.PeerShare},
 * and where in the sender's datagrams each replica stood. A full round repeats, replica after
 * replica at the same places, what earlier rounds and news told already: such a repeat is
 * recognized here by the same address at the same place and the same counts, without looking the
 * replica up by its address or taking its share's lock. Behind ten gateways at a thousand
 * replicas, full rounds bring each gateway nine hundred thousand such repeats a second.
 *
 * <p>Exact: the exchange alone reports for this sender, so what is remembered here is what the
 * share holds for it, and a repeat skipped is one the share would have ignored. The places hold
 * while the replicas do ({@link ReplicaLoads#roster}); when they change, every replica is looked
 * up again.
 *
 * <p>Confined to the exchange's thread.
 */
final class SenderReports {

    /** The counts last reported to one replica's share for this sender; none yet (-1) when new. */
    static final class Told {
        final EndpointLoad load;
        private long dispatched = -1;
        private long finished = -1;
        private long prefillPending = -1;
        private long decodePending = -1;

        private Told(EndpointLoad load) {
            this.load = load;
        }

        /** Whether {@code counts} is what the share holds already. */
        boolean same(ReplicaCounts counts) {
            return counts.dispatched() == dispatched && counts.finished() == finished
                    && counts.prefillPending() == prefillPending && counts.decodePending() == decodePending;
        }

        /** The share was told {@code counts}. */
        void told(ReplicaCounts counts) {
            dispatched = counts.dispatched();
            finished = counts.finished();
            prefillPending = counts.prefillPending();
            decodePending = counts.decodePending();
        }
    }

    /** By replica: replicas are told apart by identity. */
    private final Map<EndpointLoad, Told> told = new IdentityHashMap<>();
    /** By part of the sender's datagrams and place in it: the address there, and what was told of it. */
    private String[][] addresses = new String[1][];
    private Told[][] places = new Told[1][];
    private long roster = Long.MIN_VALUE;

    /** The replicas are {@code roster} ({@link ReplicaLoads#roster}): places remembered under another are forgotten. */
    void roster(long roster) {
        if (roster != this.roster) {
            this.roster = roster;
            Arrays.fill(addresses, null);
            Arrays.fill(places, null);
        }
    }

    /** What was told of the replica that stood at {@code place} of {@code part}, if {@code address} stands there still; else null. */
    Told at(int part, int place, String address) {
        if (part >= addresses.length || addresses[part] == null || place >= addresses[part].length) {
            return null;
        }
        String there = addresses[part][place];
        return there != null && there.equals(address) ? places[part][place] : null;
    }

    /** What was told of {@code load}, which stands at {@code place} of {@code part} under {@code address}. */
    Told place(int part, int place, String address, EndpointLoad load) {
        Told of = told.computeIfAbsent(load, Told::new);
        if (part >= addresses.length) {
            addresses = Arrays.copyOf(addresses, part + 1);
            places = Arrays.copyOf(places, part + 1);
        }
        if (addresses[part] == null || place >= addresses[part].length) {
            int size = Math.max(place + 1, addresses[part] == null ? 16 : addresses[part].length * 2);
            addresses[part] = addresses[part] == null ? new String[size] : Arrays.copyOf(addresses[part], size);
            places[part] = places[part] == null ? new Told[size] : Arrays.copyOf(places[part], size);
        }
        addresses[part][place] = address;
        places[part][place] = of;
        return of;
    }

    /** The replicas reported to since the sender was last forgotten. */
    Set<EndpointLoad> reportedTo() {
        return told.keySet();
    }

    /** The sender was forgotten: nothing is remembered of it. */
    void clear() {
        told.clear();
        Arrays.fill(addresses, null);
        Arrays.fill(places, null);
    }
}
