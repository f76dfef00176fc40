package io.qgate.bench.study.soak;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Where every request of the soak went, and whether the gateway's own counters say the same.
 *
 * <p>Each request ends once, as an answer, an abort by its client, or a failure. A failure whose
 * request id was being served on a replica connection that a kill cut is <em>lost to the kill</em>:
 * its stream had started, so the gateway could not send it elsewhere. Any other failure is
 * <em>unexplained</em>, and there must be none.
 *
 * @param sent             requests the generator issued
 * @param ok               complete 2xx answers
 * @param aborted          streams the clients closed on purpose
 * @param lostToKill       failures of requests a kill cut, by ending
 * @param unexplained      every other failure, by ending
 * @param unexplainedIds   up to {@link #LISTED_IDS} of them: request id, kind, ending, status and error body
 * @param lostIds          the same for the requests lost to kills
 * @param kills            per kill: what it cut and what became of it
 * @param expectedAtGateway the gateway's answered counts by status that the generator's endings imply
 * @param gateway          what the gateway counted over the soak (a difference of two scrapes)
 */
record Accounting(long sent, long ok, long aborted, long ended, long doubleEndings,
                  Map<Ending, Long> lostToKill, Map<Ending, Long> unexplained, List<String> unexplainedIds,
                  List<String> lostIds,
                  List<KillOutcome> kills, Map<Integer, Long> expectedAtGateway, long expectedReceived,
                  GatewayCounts gateway) {

    static final int LISTED_IDS = 20;
    /** The status the gateway records for a request whose client left first (nginx's convention). */
    static final int CLIENT_CLOSED = 499;
    /** The status the gateway records for a stream it had to cut, and answers when no replica could be reached. */
    static final int UPSTREAM_FAILED = 502;

    /**
     * One kill.
     *
     * @param cut         requests being served on the replica's connections when they were reset
     * @param lost        of those, failed at the client (their answer had started)
     * @param aborted     of those, aborted by their client anyway
     * @param answered    the rest: the gateway sent them to another replica and they were answered
     */
    record KillOutcome(int replica, double atSeconds, int connectionsReset, int cut, int lost, int aborted,
                       int answered, boolean restarted) {}

    static Accounting of(SoakStats.Counts counts, List<SoakStats.Failure> notAnswered, List<SoakReplica.Kill> kills,
                         Set<Integer> notRestarted, long loadStartNanos, GatewayCounts gateway) {
        Set<String> cutIds = new HashSet<>();
        kills.forEach(kill -> cutIds.addAll(kill.cutIds()));
        Map<Ending, Long> lost = new EnumMap<>(Ending.class);
        Map<Ending, Long> unexplained = new EnumMap<>(Ending.class);
        List<String> unexplainedIds = new ArrayList<>();
        List<String> lostIds = new ArrayList<>();
        Set<String> failedIds = new HashSet<>();
        Set<String> abortedIds = new HashSet<>();
        for (SoakStats.Failure failure : notAnswered) {
            if (failure.ending() == Ending.ABORTED) {
                abortedIds.add(failure.id());
                continue;
            }
            failedIds.add(failure.id());
            boolean cut = cutIds.contains(failure.id());
            (cut ? lost : unexplained).merge(failure.ending(), 1L, Long::sum);
            List<String> listed = cut ? lostIds : unexplainedIds;
            if (listed.size() < LISTED_IDS) {
                listed.add(describe(failure));
            }
        }
        List<KillOutcome> outcomes = new ArrayList<>();
        for (SoakReplica.Kill kill : kills) {
            int lostHere = (int) kill.cutIds().stream().filter(failedIds::contains).count();
            int abortedHere = (int) kill.cutIds().stream().filter(abortedIds::contains).count();
            outcomes.add(new KillOutcome(kill.replica(), (kill.atNanos() - loadStartNanos) / 1e9,
                    kill.connectionsReset(), kill.cutIds().size(), lostHere, abortedHere,
                    kill.cutIds().size() - lostHere - abortedHere, !notRestarted.contains(kill.replica())));
        }
        return new Accounting(counts.sent(), counts.of(Ending.OK), counts.of(Ending.ABORTED), counts.ended(),
                counts.doubleEndings(), lost, unexplained, List.copyOf(unexplainedIds), List.copyOf(lostIds),
                List.copyOf(outcomes),
                expectedAtGateway(counts, notAnswered), counts.sent() - counts.of(Ending.CONNECT), gateway);
    }

    /**
     * What the gateway should have counted: answers under their status, aborts and client timeouts
     * as 499 (the client left first), cut streams and resets as 502, error statuses as themselves.
     * Requests that never connected never reached it.
     */
    static Map<Integer, Long> expectedAtGateway(SoakStats.Counts counts, List<SoakStats.Failure> notAnswered) {
        Map<Integer, Long> expected = new TreeMap<>(counts.okByStatus());
        for (SoakStats.Failure failure : notAnswered) {
            int code = switch (failure.ending()) {
                case ABORTED, TIMEOUT -> CLIENT_CLOSED;
                case STREAM_ERROR, RESET -> UPSTREAM_FAILED;
                case HTTP_ERROR, INCOMPLETE -> failure.status();
                case OK, CONNECT -> 0;
            };
            if (code != 0) {
                expected.merge(code, 1L, Long::sum);
            }
        }
        return expected;
    }

    /** {@code soak-12 chat-stream STREAM_ERROR 200}, with the start of an error answer's body. */
    private static String describe(SoakStats.Failure failure) {
        StringBuilder text = new StringBuilder(failure.id()).append(' ').append(failure.kind()).append(' ')
                .append(failure.ending());
        if (failure.status() != 0) {
            text.append(' ').append(failure.status());
        }
        if (!failure.errorBody().isEmpty()) {
            text.append(' ').append(failure.errorBody().replace('\n', ' ').replace('`', '\''));
        }
        return text.toString();
    }

    long lostToKillTotal() {
        return lostToKill.values().stream().mapToLong(Long::longValue).sum();
    }

    long unexplainedTotal() {
        return unexplained.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Every request ended exactly once: sent = answered + aborted + failed, none twice. */
    boolean everyRequestAccounted() {
        return sent == ended && doubleEndings == 0 && sent == ok + aborted + lostToKillTotal() + unexplainedTotal();
    }

    /**
     * The gateway's counts by status and of requests received equal what the generator's endings
     * imply, with one allowance: a client that closes its stream after the gateway wrote the last
     * byte (into the socket buffer) aborted as far as it knows, while the gateway delivered a whole
     * 200. So some 499s may appear as 200s instead, one for one; nothing else may differ.
     */
    boolean gatewayAgrees() {
        return agrees(expectedAtGateway, expectedReceived, gateway);
    }

    /** {@link #gatewayAgrees()} for any expected counts and any gateway's reading. */
    static boolean agrees(Map<Integer, Long> expectedAtGateway, long expectedReceived, GatewayCounts gateway) {
        if (expectedReceived != gateway.received()) {
            return false;
        }
        Map<Integer, Long> counted = gateway.answeredByCode();
        long abortsCountedAsAnswers = expectedAtGateway.getOrDefault(CLIENT_CLOSED, 0L)
                - counted.getOrDefault(CLIENT_CLOSED, 0L);
        if (abortsCountedAsAnswers < 0
                || counted.getOrDefault(200, 0L) - expectedAtGateway.getOrDefault(200, 0L) != abortsCountedAsAnswers) {
            return false;
        }
        Set<Integer> codes = new HashSet<>(counted.keySet());
        codes.addAll(expectedAtGateway.keySet());
        for (int code : codes) {
            if (code != 200 && code != CLIENT_CLOSED
                    && !counted.getOrDefault(code, 0L).equals(expectedAtGateway.getOrDefault(code, 0L))) {
                return false;
            }
        }
        return true;
    }
}
