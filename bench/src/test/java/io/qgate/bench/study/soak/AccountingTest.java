package io.qgate.bench.study.soak;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AccountingTest {

    private static SoakStats.Failure failure(String id, Ending ending, int status) {
        return new SoakStats.Failure(id, "chat-stream", ending, status, "", 0, "");
    }

    private static SoakStats.Counts counts(long sent, long ok, long aborted, long streamErrors, long httpErrors) {
        Map<Ending, Long> endings = new EnumMap<>(Ending.class);
        endings.put(Ending.OK, ok);
        endings.put(Ending.ABORTED, aborted);
        endings.put(Ending.STREAM_ERROR, streamErrors);
        endings.put(Ending.HTTP_ERROR, httpErrors);
        return new SoakStats.Counts(sent, endings, Map.of(200, ok), 0);
    }

    @Test
    void aFailureOfACutRequestIsLostToTheKillAndAnyOtherIsNot() {
        List<SoakStats.Failure> notAnswered = List.of(failure("s-1", Ending.STREAM_ERROR, 200),
                failure("s-2", Ending.HTTP_ERROR, 502), failure("s-3", Ending.ABORTED, 200));
        SoakReplica.Kill kill = new SoakReplica.Kill(1, 2_000_000_000L, 5, Set.of("s-1", "s-4", "s-5"));
        GatewayCounts gateway = new GatewayCounts(Map.of(200, 7L, 499, 1L, 502, 2L), 10);

        Accounting a = Accounting.of(counts(10, 7, 1, 1, 1), notAnswered, List.of(kill), Set.of(), 0, gateway);

        assertThat(a.lostToKill()).isEqualTo(Map.of(Ending.STREAM_ERROR, 1L));
        assertThat(a.unexplained()).isEqualTo(Map.of(Ending.HTTP_ERROR, 1L));
        assertThat(a.unexplainedIds()).containsExactly("s-2 chat-stream HTTP_ERROR 502");
        assertThat(a.everyRequestAccounted()).isTrue();
        assertThat(a.kills()).singleElement().satisfies(outcome -> {
            assertThat(outcome.atSeconds()).isEqualTo(2.0);
            assertThat(outcome.cut()).isEqualTo(3);
            assertThat(outcome.lost()).isEqualTo(1);
            assertThat(outcome.answered()).isEqualTo(2);
            assertThat(outcome.restarted()).isTrue();
        });
        assertThat(a.expectedAtGateway()).isEqualTo(Map.of(200, 7L, 499, 1L, 502, 2L));
        assertThat(a.gatewayAgrees()).isTrue();
    }

    @Test
    void anAbortAfterTheLastByteMayCountAsAnswerButNothingElseMayDiffer() {
        List<SoakStats.Failure> notAnswered = List.of(failure("s-3", Ending.ABORTED, 200));
        // The client closed after the gateway had written the whole stream: a 200 to the gateway.
        GatewayCounts lateAbort = new GatewayCounts(Map.of(200, 10L), 10);
        Accounting a = Accounting.of(counts(10, 9, 1, 0, 0), notAnswered, List.of(), Set.of(), 0, lateAbort);
        assertThat(a.expectedAtGateway()).isEqualTo(Map.of(200, 9L, 499, 1L));
        assertThat(a.gatewayAgrees()).isTrue();

        GatewayCounts extraFailure = new GatewayCounts(Map.of(200, 9L, 502, 1L), 10);
        assertThat(Accounting.of(counts(10, 9, 1, 0, 0), notAnswered, List.of(), Set.of(), 0, extraFailure)
                .gatewayAgrees()).isFalse();
        GatewayCounts extraAnswer = new GatewayCounts(Map.of(200, 11L, 499, 1L), 10);
        assertThat(Accounting.of(counts(10, 9, 1, 0, 0), notAnswered, List.of(), Set.of(), 0, extraAnswer)
                .gatewayAgrees()).isFalse();
        GatewayCounts missing = new GatewayCounts(Map.of(200, 9L, 499, 1L), 9);
        assertThat(Accounting.of(counts(10, 9, 1, 0, 0), notAnswered, List.of(), Set.of(), 0, missing)
                .gatewayAgrees()).isFalse();
    }

    @Test
    void aRequestNotEndedIsNotAccountedFor() {
        Accounting a = Accounting.of(counts(10, 9, 0, 0, 0), List.of(), List.of(), Set.of(), 0,
                new GatewayCounts(Map.of(200, 9L), 10));

        assertThat(a.everyRequestAccounted()).isFalse();
    }
}
