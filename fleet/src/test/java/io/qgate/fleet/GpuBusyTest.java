package io.qgate.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.qgate.fleet.workload.Workload;
import org.junit.jupiter.api.Test;

/** DCGM's utilization of a vLLM replica: near full with a nearly empty batch. */
class GpuBusyTest {

    @Test
    void aTenthOfTheCapacityKeepsTheGpuBusyWhileTheBatchIsNearlyEmpty() {
        EngineModel model = EngineModel.defaults();
        double capacity = EngineCapacity.requestsPerSecond(model, Workload.sharegpt(), 1, 300);

        GpuBusy.Reading tenth = GpuBusy.at(model, Workload.sharegpt(), 0.1 * capacity, 300, 1);

        assertThat(tenth.busyShare()).isGreaterThan(0.9);
        assertThat(tenth.runningShare()).isLessThan(0.1);
    }

    @Test
    void withoutLoadTheGpuIsIdle() {
        GpuBusy.Reading idle = GpuBusy.at(EngineModel.defaults(), Workload.sharegpt(), 0.001, 60, 1);

        assertThat(idle.busyShare()).isLessThan(0.05);
    }
}
