package io.qgate.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Two office days, 48 times faster: min 1 against KEDA's scale to zero, with and without qgate holding. */
class ZeroScenarioTest {

    private static final ZeroScenario.Report REPORT = ZeroScenario.run(new ZeroScenario.Options(true, 20, 48,
            Duration.ofMinutes(5), Duration.ofSeconds(30), 7, Path.of("unused")), new PrintStream(OutputStream.nullOutputStream()));

    @Test
    void withOneReplicaAlwaysUpNothingWaitsForAReplica() {
        ZeroRun.Result minOne = REPORT.runs().get(0);
        assertThat(minOne.held().count()).isZero();
        assertThat(minOne.failed()).isZero();
        assertThat(minOne.wakeUps()).isZero();
    }

    @Test
    void scaledToZeroTheRequestsOfEachMorningAreHeldUntilAReplicaHasLoadedAndAllAreAnswered() {
        ZeroRun.Result minOne = REPORT.runs().get(0);
        ZeroRun.Result holding = REPORT.runs().get(1);
        // Asleep before each of the two mornings, awake for each: the nights cost nothing.
        assertThat(holding.wakeUps()).isEqualTo(2);
        assertThat(holding.sleeps()).isGreaterThanOrEqualTo(1);
        assertThat(holding.replicaMinutes()).isLessThan(minOne.replicaMinutes());
        assertThat(holding.failed()).isZero();
        assertThat(holding.requests()).isEqualTo(minOne.requests());
        // The first of a morning waits for a pod to load its model (60 s at least); none waits much
        // longer than Prometheus' scrape, KEDA's poll and the slowest load (120 s) together.
        assertThat(holding.held().count()).isPositive();
        assertThat(holding.held().max()).isBetween(60.0, 15 + 30 + 120 + 10.0);
    }

    @Test
    void withoutHoldingTheSameRequestsAreRefused() {
        ZeroRun.Result holding = REPORT.runs().get(1);
        ZeroRun.Result refusing = REPORT.runs().get(2);
        assertThat(refusing.held().count()).isZero();
        assertThat(refusing.refusedAtZero()).isPositive();
        assertThat(refusing.failed()).isEqualTo(refusing.refusedAtZero());
        assertThat(refusing.requests()).isEqualTo(holding.requests());
        // The refused requests still count as received: the rate trigger wakes the pool all the same.
        assertThat(refusing.wakeUps()).isEqualTo(2);
    }

    @Test
    void releasingUpToTheEngineBatchLimitAnswersEveryRequestToo() {
        ZeroRun.Result wide = REPORT.runs().get(3);
        assertThat(wide.failed()).isZero();
        assertThat(wide.held().count()).isEqualTo(REPORT.runs().get(1).held().count());
    }

    @Test
    void theOfficeHoursTraceIsBusyOnWeekdaysOnly() {
        Trace week = Trace.officeHours(100, 12, 7);
        double day = 86400 / 12.0;
        assertThat(week.durationSeconds()).isEqualTo(7 * day);
        assertThat(week.rate(day * 11 / 24)).isEqualTo(100);
        assertThat(week.rate(day * 12.5 / 24)).isEqualTo(60, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(week.rate(day * 3 / 24)).isZero();
        assertThat(week.rate(day * 20 / 24)).isZero();
        assertThat(week.rate(5 * day + day * 11 / 24)).isZero();
        assertThat(Trace.named("office-hours", 100).durationSeconds()).isEqualTo(7 * day);
        assertThatThrownBy(() -> Trace.officeHours(100, 0.5, 7)).hasMessageContaining("expected: >= 1");
    }
}
