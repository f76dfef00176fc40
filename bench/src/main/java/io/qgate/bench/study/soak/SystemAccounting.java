package io.qgate.bench.study.soak;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where every request of the system soak went. Each failure the clients saw is matched to the
 * fault that explains it: the replica connection a reset cut under it (by request id), the replica
 * answering 500 on purpose (by id), or the gateway it was written to being killed or drained at
 * that moment (by the gateway port and the time). The rest are refusals in plain words (429 and
 * 503 with {@code Retry-After}, 400 for the malformed requests), aborts by their clients, or
 * unexplained.
 *
 * @param fateOf   the fate of each failure the clients saw, in the order of {@code failures}
 * @param byFate   requests by fate, answers included
 * @param listed   up to {@link Accounting#LISTED_IDS} unexplained failures, described
 */
record SystemAccounting(long sent, long ended, long doubleEndings, Map<Fate, Long> byFate, List<Fate> fateOf,
                        List<String> listed, List<FaultCut> gatewayCuts) {

    /**
     * What one gateway fault cut, against the most it could have: what was open on the gateway at
     * the fault and what was written to it after.
     */
    record FaultCut(int port, Fate fate, long cut, long openAtFault, long sentAfterFault) {
        boolean bounded() {
            return cut <= openAtFault + sentAfterFault;
        }
    }

    /**
     * A gateway fault's window: requests on {@code port} failing within it are its doing.
     *
     * @param openAtFault requests its clients had open on it when the fault came
     * @param sentAtFault requests written to it until then: those written after (on a connection the
     *                    fault has broken, or to a draining gateway) may be cut as well
     */
    record GatewayFault(int port, Fate fate, long fromNanos, long toNanos, long openAtFault, long sentAtFault) {}

    /** How long after a gateway's end its clients may still be learning of it. */
    static final long GRACE_NANOS = 2_000_000_000L;

    static SystemAccounting of(SoakStats.Counts counts, List<SoakStats.Failure> failures, Set<String> cutByReset,
                               Set<String> answered500, List<GatewayFault> gatewayFaults, GatewayBook book,
                               long loadStartNanos) {
        Map<Fate, Long> byFate = new EnumMap<>(Fate.class);
        byFate.put(Fate.ANSWERED, counts.of(Ending.OK));
        List<Fate> fates = new ArrayList<>();
        List<String> listed = new ArrayList<>();
        Map<GatewayFault, Long> cutBy = new java.util.LinkedHashMap<>();
        gatewayFaults.forEach(fault -> cutBy.put(fault, 0L));
        for (SoakStats.Failure failure : failures) {
            int port = book.portOf(failure.id());
            Fate fate = fate(failure, cutByReset, answered500, gatewayFaults, port);
            if (fate == Fate.CUT_GATEWAY_KILL || fate == Fate.CUT_GATEWAY_DRAIN) {
                gatewayFaults.stream().filter(fault -> fault.port() == port && fault.fate() == fate).findFirst()
                        .ifPresent(fault -> cutBy.merge(fault, 1L, Long::sum));
            }
            fates.add(fate);
            byFate.merge(fate, 1L, Long::sum);
            if (fate == Fate.UNEXPLAINED && listed.size() < Accounting.LISTED_IDS) {
                listed.add(failure.id() + " " + failure.kind() + " " + failure.ending()
                        + (failure.status() == 0 ? "" : " " + failure.status()) + " on :" + book.portOf(failure.id())
                        + String.format(java.util.Locale.ROOT, " at %.1f s", (failure.atNanos() - loadStartNanos) / 1e9)
                        + (failure.errorBody().isEmpty() ? "" : " " + failure.errorBody().replace('\n', ' ')));
            }
        }
        List<FaultCut> cuts = cutBy.entrySet().stream().map(e -> new FaultCut(e.getKey().port(), e.getKey().fate(),
                e.getValue(), e.getKey().openAtFault(),
                book.counts(e.getKey().port()).sent() - e.getKey().sentAtFault())).toList();
        return new SystemAccounting(counts.sent(), counts.ended(), counts.doubleEndings(), byFate,
                List.copyOf(fates), List.copyOf(listed), cuts);
    }

    static Fate fate(SoakStats.Failure failure, Set<String> cutByReset, Set<String> answered500,
                     List<GatewayFault> gatewayFaults, int port) {
        if (failure.ending() == Ending.ABORTED) {
            return Fate.ABORTED;
        }
        if (failure.ending() == Ending.HTTP_ERROR) {
            // A refusal must say when to come back; one without Retry-After stays unexplained.
            if (failure.status() == 429 && !failure.retryAfter().isEmpty()) {
                return Fate.REFUSED_429;
            }
            if (failure.status() == 503 && !failure.retryAfter().isEmpty()) {
                return Fate.REFUSED_503;
            }
            if (failure.status() == 400 && failure.kind().equals("malformed")) {
                return Fate.BAD_INPUT;
            }
            if (failure.status() == 500 && answered500.contains(failure.id())) {
                return Fate.REPLICA_500;
            }
        }
        if (cutByReset.contains(failure.id())) {
            return Fate.CUT_REPLICA_RESET;
        }
        for (GatewayFault fault : gatewayFaults) {
            if (fault.port() == port && failure.atNanos() >= fault.fromNanos()
                    && (cutConnection(failure.ending()) || failure.atNanos() <= fault.toNanos() + GRACE_NANOS)) {
                return fault.fate();
            }
        }
        return Fate.UNEXPLAINED;
    }

    /**
     * Whether the ending is a connection cut under its request. Once a gateway's life has ended
     * nothing else answers on its port, so such a cut seen after the fault is the fault's however
     * late the client saw it: a client short of CPU (the CI machine, in one run) notices a reset
     * seconds after it came. Other failures must fall within the fault's window and grace.
     */
    private static boolean cutConnection(Ending ending) {
        return ending == Ending.RESET || ending == Ending.INCOMPLETE;
    }

    long of(Fate fate) {
        return byFate.getOrDefault(fate, 0L);
    }

    long cut() {
        return byFate.entrySet().stream().filter(e -> e.getKey().cut()).mapToLong(Map.Entry::getValue).sum();
    }

    /** Every request ended exactly once, and has exactly one fate. */
    boolean everyRequestAccounted() {
        long fated = byFate.values().stream().mapToLong(Long::longValue).sum();
        return sent == ended && doubleEndings == 0 && fated == sent;
    }
}
