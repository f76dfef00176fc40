package io.qgate.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.qgate.routing.Endpoint;
import io.qgate.routing.EndpointSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Pods: loading, readiness, deletion order, draining, and what discovery tells the gateways. */
class FleetTest {

    private static final long SECOND = 1_000_000_000L;

    private final Simulation sim = new Simulation();
    private final List<EndpointSnapshot> snapshots = new ArrayList<>();
    private final Fleet fleet = new Fleet(sim, new EngineModel(10, 0, 5, 1.0, 4, 100_000, 0),
            new VirtualEngine.Listener() {
                @Override
                public void firstToken(Request request) {
                }

                @Override
                public void finished(Request request) {
                    sim.after(0, () -> fleet().requestDone(request.replica));
                }
            }, new Fleet.Settings(60 * SECOND, 120 * SECOND, SECOND), new SplittableRandom(1));

    private Fleet fleet() {
        return fleet;
    }

    @Test
    void newPodsServeOnlyAfterLoadingTheModel() {
        fleet.onDiscovery(snapshots::add);
        fleet.startReady(1);
        sim.runUntil(0);
        assertThat(snapshots).hasSize(1);
        assertThat(snapshots.get(0).accepting()).hasSize(1);

        fleet.scaleTo(3);
        sim.runUntil(59 * SECOND);
        assertThat(fleet.pods()).hasSize(3);
        assertThat(fleet.accepting()).hasSize(1);
        // The gateways know the loading pods, as not ready.
        assertThat(last().endpoints()).hasSize(3);
        assertThat(last().accepting()).hasSize(1);

        sim.runUntil(121 * SECOND);
        assertThat(fleet.accepting()).hasSize(3);
        assertThat(last().accepting()).hasSize(3);
        // Loading pods cost as much as ready ones.
        assertThat(fleet.podSeconds()).isEqualTo(3 * 121.0);
    }

    @Test
    void scalingDownDeletesLoadingPodsFirstThenTheNewestReady() {
        fleet.startReady(2);
        fleet.scaleTo(3);
        fleet.scaleTo(2);
        assertThat(fleet.pods()).extracting(p -> p.state).containsExactly(Replica.State.READY, Replica.State.READY,
                Replica.State.TERMINATING);

        sim.runUntil(200 * SECOND);
        assertThat(fleet.pods()).hasSize(2);
        fleet.scaleTo(1);
        // Both ready since t = 0: the newer (higher id) goes.
        assertThat(fleet.pods().get(1).state).isEqualTo(Replica.State.TERMINATING);
        assertThat(fleet.pods().get(0).state).isEqualTo(Replica.State.READY);
    }

    @Test
    void aDeletedPodFinishesWhatItHoldsAndLeavesOnlyAfterTheGatewaysKnow() {
        fleet.onDiscovery(snapshots::add);
        fleet.startReady(2);
        Replica busy = fleet.pods().get(1);
        Request request = new Request(0, 0, 16, 2000);
        request.replica = busy;
        busy.engine.submit(request);

        fleet.scaleTo(1);
        sim.runUntil(2 * SECOND);
        assertThat(busy.state).isEqualTo(Replica.State.TERMINATING);
        assertThat(last().accepting()).extracting(Endpoint::authority).doesNotContain(busy.authority());

        // 10 ms prefill and 1,999 steps of 5 ms: done after ~10 s, then gone; the gateways hear of it 1 s later.
        sim.runUntil(11 * SECOND);
        assertThat(busy.state).isEqualTo(Replica.State.GONE);
        assertThat(fleet.pods()).hasSize(1);
        sim.runUntil(12 * SECOND);
        assertThat(last().endpoints()).hasSize(1);
    }

    private EndpointSnapshot last() {
        return snapshots.get(snapshots.size() - 1);
    }
}
