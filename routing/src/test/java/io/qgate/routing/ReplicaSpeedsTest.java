package io.qgate.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.qgate.routing.metrics.EngineCounters;
import java.util.Arrays;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each replica's slowness against the pool's fastest, from the time between tokens its engine reports. */
class ReplicaSpeedsTest {

    @ParameterizedTest(name = "seconds between tokens {0} -> slowness {1}")
    @CsvSource({
        "0.020, 1, the fastest itself",
        "0.026, 1, a busier batch on the same hardware: a few tenths change nothing",
        "0.040, 2, twice as slow",
        "0.070, 4, three and a half times: rounded",
        "NaN, 1, nothing reported: as fast as the fastest"})
    void aReplicasSlownessIsItsTimeBetweenTokensOverTheFastestsInWholeSteps(double between, int expected,
                                                                          String why) {
        EndpointLoad fastest = reporting(0.020);
        EndpointLoad other = reporting(between);

        ReplicaSpeeds.assign(new EndpointLoad[] {fastest, other});

        assertThat(fastest.slowness()).isEqualTo(1);
        assertThat(other.slowness()).as(why).isEqualTo(expected);
    }

    @Test
    void withNoReplicaReportingEveryOneCountsOne() {
        EndpointLoad[] loads = {new EndpointLoad(), new EndpointLoad()};

        ReplicaSpeeds.assign(loads);

        assertThat(Arrays.stream(loads).mapToInt(EndpointLoad::slowness)).containsOnly(1);
    }

    @Test
    void thePoolWorksTheSpeedsOutAgainOncePerRoundOfReports() {
        EndpointLoad fast = reporting(0.020);
        EndpointLoad slow = reporting(0.060);
        EndpointLoad[] loads = {fast, slow};
        ReplicaSpeeds speeds = new ReplicaSpeeds();

        speeds.reported(loads);
        assertThat(slow.slowness()).as("one report of two: not yet").isEqualTo(1);
        speeds.reported(loads);
        assertThat(slow.slowness()).isEqualTo(3);
    }

    /** A load whose engine reported {@code secondsBetweenTokens} over two scrapes (NaN: nothing). */
    private static EndpointLoad reporting(double secondsBetweenTokens) {
        EndpointLoad load = new EndpointLoad();
        load.scraped(0, 10, 0.5, Set.of(), 0);
        if (!Double.isNaN(secondsBetweenTokens)) {
            load.engineCounters(new EngineCounters(0, 0, 0, 0, 0, 0));
            load.engineCounters(new EngineCounters(0, 0, 0, 0, 1000 * secondsBetweenTokens, 1000));
        }
        return load;
    }
}
