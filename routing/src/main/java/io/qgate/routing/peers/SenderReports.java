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
 * recognized here by the same address at the same place with the same counts beside it, read
 * from arrays in the order of the datagram, without looking the replica up by its address or
 * touching its share. Behind ten gateways at a thousand replicas, full rounds bring each gateway
 * nine hundred thousand such repeats a second.
 *
 * <p>Exact: the exchange alone reports for this sender, so what {@link Told} remembers is what the
 * share holds for it. A replica's counts are kept beside one place only, the last it was seen at,
 * and that place stops counting as current when the replica is seen elsewhere (a round of news
 * uses the first places too): a repeat skipped is one the share would have ignored. Places hold
 * while the replicas do ({@link ReplicaLoads#roster}); when they change, every replica is looked up again.
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
        /** The one place whose counts beside it are these, when its owner is still this. */
        private int part = -1;
        private int place = -1;

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

    /** One part of the sender's datagrams, by place: the address there, its replica, and the counts told of it. */
    private static final class Part {
        String[] addresses;
        Told[] owners;
        /** Four a place: dispatched, finished, prefill and decode pending; meaningful while current. */
        long[] counts;
        boolean[] current;
        /** Where the last match was found against where the datagram had it. */
        int shift;

        Part(int places) {
            addresses = new String[places];
            owners = new Told[places];
            counts = new long[places * 4];
            current = new boolean[places];
        }

        boolean holds(int at, String address) {
            if (at < 0 || at >= addresses.length) {
                return false;
            }
            String there = addresses[at];
            return there == address || there != null && there.equals(address);
        }

        void grow(int places) {
            addresses = Arrays.copyOf(addresses, places);
            owners = Arrays.copyOf(owners, places);
            counts = Arrays.copyOf(counts, places * 4);
            current = Arrays.copyOf(current, places);
        }
    }

    /** How far from a replica's place in a datagram its remembered place is looked for. */
    static final int NEAR = 8;

    /** By replica: replicas are told apart by identity. */
    private final Map<EndpointLoad, Told> told = new IdentityHashMap<>();
    private Part[] parts = new Part[1];
    private long roster = Long.MIN_VALUE;

    /** The replicas are {@code roster} ({@link ReplicaLoads#roster}): places remembered under another are forgotten. */
    void roster(long roster) {
        if (roster != this.roster) {
            this.roster = roster;
            Arrays.fill(parts, null);
        }
    }

    /**
     * Where {@code address} was remembered in {@code part}, near {@code place}: at the same place
     * shifted as the part's last match was (a round's parts split the replicas at slightly
     * different places as their counts' sizes change), or within {@link #NEAR} of it; -1 when not.
     */
    int find(int part, int place, String address) {
        Part p = part < parts.length ? parts[part] : null;
        if (p == null) {
            return -1;
        }
        int guess = place + p.shift;
        if (p.holds(guess, address)) {
            return guess;
        }
        for (int at = Math.max(0, place - NEAR); at <= place + NEAR; at++) {
            if (at != guess && p.holds(at, address)) {
                p.shift = at - place;
                return at;
            }
        }
        return -1;
    }

    /** Where to remember a replica not found near {@code place} of {@code part}: as the part's places are shifted now. */
    int vacancy(int part, int place) {
        Part p = part < parts.length ? parts[part] : null;
        return p == null ? place : Math.max(0, place + p.shift);
    }

    /** Whether the share of the replica remembered {@code at} {@code part} holds {@code counts} already: nothing to do. */
    boolean repeats(int part, int at, ReplicaCounts counts) {
        Part p = parts[part];
        int i = at * 4;
        return p.current[at] && p.counts[i] == counts.dispatched() && p.counts[i + 1] == counts.finished()
                && p.counts[i + 2] == counts.prefillPending() && p.counts[i + 3] == counts.decodePending();
    }

    /** What was told of the replica remembered {@code at} {@code part}. */
    Told owner(int part, int at) {
        return parts[part].owners[at];
    }

    /** What was told of {@code load}: new when nothing was. */
    Told of(EndpointLoad load) {
        return told.computeIfAbsent(load, Told::new);
    }

    /** {@code told}'s replica is remembered at {@code place} of {@code part} under {@code address}, with its share's counts. */
    void place(int part, int place, String address, Told told) {
        if (told.part >= 0 && (told.part != part || told.place != place)) {
            Part before = told.part < parts.length ? parts[told.part] : null;
            if (before != null && told.place < before.owners.length && before.owners[told.place] == told) {
                // Seen elsewhere now: what stands beside its old place may no longer be what the share holds.
                before.current[told.place] = false;
            }
        }
        if (part >= parts.length) {
            parts = Arrays.copyOf(parts, part + 1);
        }
        Part p = parts[part];
        if (p == null) {
            p = parts[part] = new Part(Math.max(16, place + 1));
        } else if (place >= p.current.length) {
            p.grow(Math.max(place + 1, p.current.length * 2));
        }
        p.addresses[place] = address;
        p.owners[place] = told;
        int at = place * 4;
        p.counts[at] = told.dispatched;
        p.counts[at + 1] = told.finished;
        p.counts[at + 2] = told.prefillPending;
        p.counts[at + 3] = told.decodePending;
        p.current[place] = true;
        told.part = part;
        told.place = place;
    }

    /** The replicas reported to since the sender was last forgotten. */
    Set<EndpointLoad> reportedTo() {
        return told.keySet();
    }

    /** The sender was forgotten: nothing is remembered of it. */
    void clear() {
        told.clear();
        Arrays.fill(parts, null);
    }
}
