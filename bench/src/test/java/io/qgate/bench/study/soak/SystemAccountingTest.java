package io.qgate.bench.study.soak;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SystemAccountingTest {

    private static final int PORT = 4000;
    private static final SystemAccounting.GatewayFault KILL =
            new SystemAccounting.GatewayFault(PORT, Fate.CUT_GATEWAY_KILL, 1_000, 2_000, 3, 10);

    private static SoakStats.Failure failure(String kind, Ending ending, int status, String retryAfter, long at) {
        return new SoakStats.Failure("r", kind, ending, status, "", at, retryAfter);
    }

    private static Fate fate(SoakStats.Failure failure, int port) {
        return SystemAccounting.fate(failure, Set.of("cut"), Set.of("five-hundred"), List.of(KILL), port);
    }

    @Test
    void aRefusalCountsAsSuchOnlyWithRetryAfter() {
        assertThat(fate(failure("chat", Ending.HTTP_ERROR, 429, "1", 0), 1)).isEqualTo(Fate.REFUSED_429);
        assertThat(fate(failure("chat", Ending.HTTP_ERROR, 503, "5", 0), 1)).isEqualTo(Fate.REFUSED_503);
        assertThat(fate(failure("chat", Ending.HTTP_ERROR, 429, "", 0), 1)).isEqualTo(Fate.UNEXPLAINED);
        assertThat(fate(failure("chat", Ending.HTTP_ERROR, 503, "", 0), 1)).isEqualTo(Fate.UNEXPLAINED);
    }

    @Test
    void a400IsBadInputOnlyForTheMalformedRequests() {
        assertThat(fate(failure("malformed", Ending.HTTP_ERROR, 400, "", 0), 1)).isEqualTo(Fate.BAD_INPUT);
        assertThat(fate(failure("chat", Ending.HTTP_ERROR, 400, "", 0), 1)).isEqualTo(Fate.UNEXPLAINED);
    }

    @Test
    void aGatewayFaultExplainsFailuresOnItsPortFromItsStart() {
        SoakStats.Failure reset = failure("chat-stream", Ending.RESET, 0, "", 1_500);
        SoakStats.Failure early = failure("chat-stream", Ending.RESET, 0, "", 999);

        assertThat(fate(reset, PORT)).isEqualTo(Fate.CUT_GATEWAY_KILL);
        assertThat(fate(reset, PORT + 1)).isEqualTo(Fate.UNEXPLAINED);
        assertThat(fate(early, PORT)).isEqualTo(Fate.UNEXPLAINED);
    }

    @Test
    void aCutConnectionSeenLateIsStillTheFaultsButAnHttpErrorIsNot() {
        long late = 2_000 + SystemAccounting.GRACE_NANOS + 1;

        assertThat(fate(failure("chat-stream", Ending.RESET, 0, "", late), PORT)).isEqualTo(Fate.CUT_GATEWAY_KILL);
        assertThat(fate(failure("chat-stream", Ending.INCOMPLETE, 200, "", late), PORT))
                .isEqualTo(Fate.CUT_GATEWAY_KILL);
        assertThat(fate(failure("chat", Ending.HTTP_ERROR, 502, "", late), PORT)).isEqualTo(Fate.UNEXPLAINED);
        assertThat(fate(failure("chat", Ending.HTTP_ERROR, 502, "", 1_500), PORT)).isEqualTo(Fate.CUT_GATEWAY_KILL);
    }

    @Test
    void aCutIsBoundedByWhatWasOpenAtTheFaultAndWrittenAfter() {
        assertThat(new SystemAccounting.FaultCut(PORT, Fate.CUT_GATEWAY_KILL, 5, 3, 2).bounded()).isTrue();
        assertThat(new SystemAccounting.FaultCut(PORT, Fate.CUT_GATEWAY_KILL, 6, 3, 2).bounded()).isFalse();
    }
}
