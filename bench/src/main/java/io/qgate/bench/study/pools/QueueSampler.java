package io.qgate.bench.study.pools;

import io.qgate.bench.harness.Fleet;
import io.qgate.bench.sim.SimServer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Once a second, each pool's engine queue as the gateway publishes it ({@code /scaling?pool=}) and
 * as the pool's engines hold it (their waiting sequences, read from the simulators directly):
 * the two should agree, and neither should carry the other pool's queue.
 */
final class QueueSampler {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final long PERIOD_MILLIS = 1000;

    /** One second's reading, by pool: the gateway's figure and the engines'. */
    record Sample(Map<String, Double> published, Map<String, Integer> engines) {
        Sample {
            published = Map.copyOf(published);
            engines = Map.copyOf(engines);
        }
    }

    private final Thread thread;
    private final List<Sample> samples = new ArrayList<>();
    private volatile boolean stopped;

    private QueueSampler(int adminPort, List<String> pools, Map<String, Fleet> fleets) {
        this.thread = new Thread(() -> loop(adminPort, pools, fleets), "qgate-pools-sampler");
        thread.setDaemon(true);
    }

    static QueueSampler start(int adminPort, List<String> pools, Map<String, Fleet> fleets) {
        QueueSampler sampler = new QueueSampler(adminPort, pools, fleets);
        sampler.thread.start();
        return sampler;
    }

    private void loop(int adminPort, List<String> pools, Map<String, Fleet> fleets) {
        while (!stopped) {
            Map<String, Double> published = new HashMap<>();
            Map<String, Integer> engines = new HashMap<>();
            for (String pool : pools) {
                JsonNode scaling = JSON.readTree(GatewayCounters.get(adminPort, "/scaling?pool=" + pool));
                published.put(pool, scaling.get("poolQueueLength").asDouble());
                engines.put(pool, fleets.get(pool).replicas().stream().mapToInt(SimServer::waiting).sum());
            }
            synchronized (samples) {
                samples.add(new Sample(published, engines));
            }
            try {
                Thread.sleep(PERIOD_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    void stop() {
        stopped = true;
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    List<Sample> samples() {
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }
}
