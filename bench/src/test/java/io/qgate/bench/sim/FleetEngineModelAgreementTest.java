package io.qgate.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.qgate.fleet.EngineModel;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The live simulator runs the fleet simulation's engine ({@link EngineModel}): its defaults are
 * the fleet's, and at time scale 1 its {@link LatencyModel} gives the virtual engine's nanoseconds
 * for every prefill (its delay and its engine time), decode step and LiteLLM hop, with the
 * defaults and with other settings; both cache prefixes with the same {@link io.qgate.fleet.PrefixCache}.
 * Lives beside the simulator because {@code LatencyModel} is package-private.
 */
class FleetEngineModelAgreementTest {

    @Test
    void theSimulatorsDefaultReplicaIsTheFleets() {
        assertThat(SimOptions.defaults().engine()).isEqualTo(EngineModel.defaults());
    }

    @Test
    void prefillStepAndHopTakeTheSameTimeInBothSimulators() {
        List<SimOptions> settings = List.of(SimOptions.defaults(), SimOptions.defaults().with(o -> o.maxNumSeqs = 8),
                SimOptions.defaults().with(o -> {
                    o.tpotMs = 12.5;
                    o.loadFactorAtMax = 3.5;
                    o.prefillOverheadMs = 33;
                    o.prefillMsPerToken = 0.11;
                    o.proxyOverheadMs = 1.7;
                    o.maxNumSeqs = 64;
                }));
        for (SimOptions options : settings) {
            LatencyModel live = LatencyModel.of(options.with(o -> o.timeScale = 1.0));
            EngineModel virtual = options.engine();
            for (int running = 0; running <= options.maxNumSeqs() + 8; running++) {
                assertThat(virtual.stepNanos(running)).as("step with %d running", running)
                        .isEqualTo(live.stepNanos(running));
            }
            for (int tokens = 0; tokens <= 8192; tokens++) {
                assertThat(virtual.prefillNanos(tokens)).isEqualTo(live.prefillNanos(tokens));
                assertThat(virtual.prefillComputeNanos(tokens)).isEqualTo(live.prefillComputeNanos(tokens));
            }
            assertThat(virtual.proxyNanos()).isEqualTo(live.nanos(options.proxyOverheadMs()));
            assertThat(virtual.maxNumSeqs()).isEqualTo(options.maxNumSeqs());
            assertThat(virtual.kvCapacityTokens()).isEqualTo(options.kvCapacityTokens());
        }
    }
}
