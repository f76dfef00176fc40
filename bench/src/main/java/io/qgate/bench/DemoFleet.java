package io.qgate.bench;

import io.qgate.bench.harness.Fleet;
import io.qgate.bench.sim.SimOptions;
import io.qgate.bench.sim.SimServer;
import io.qgate.fleet.EngineCapacity;
import io.qgate.fleet.workload.Workload;
import io.qgate.gateway.Gateway;
import io.qgate.gateway.config.GatewayConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the demo runs: simulated replicas on consecutive ports and the gateway in front of them,
 * all on 127.0.0.1, and the instructions it prints. Port 0 picks free ports (for tests).
 *
 * <p>The replicas are built to show what the gateway is for: a batch limit of
 * {@value #BATCH_LIMIT} (vLLM's {@code --max-num-seqs}), so that a few requests a second fill an
 * engine and the next ones queue, and a last replica {@value #SLOW_FACTOR} times slower than the
 * others (an older GPU in the pool), so that routing by queue visibly sends it less.
 */
public final class DemoFleet implements AutoCloseable {

    static final int BATCH_LIMIT = 8;
    static final double SLOW_FACTOR = 2.0;
    /** The load {@code demo --load} offers, as a share of what the replicas finish: queues grow. */
    static final double LOAD_SHARE = 1.2;

    private final Fleet replicas;
    private final Gateway gateway;
    private final double capacity;

    private DemoFleet(Fleet replicas, Gateway gateway, double capacity) {
        this.replicas = replicas;
        this.gateway = gateway;
        this.capacity = capacity;
    }

    /** The replicas' settings: consecutive ports (0: free ones), the batch limit, the last one slower. */
    static List<SimOptions> replicaSettings(int replicaCount, int firstReplicaPort, double timeScale) {
        List<SimOptions> settings = new ArrayList<>();
        for (int i = 0; i < replicaCount; i++) {
            int index = i;
            // With a single replica there is nothing to route around: it keeps the normal speed.
            double slowdown = replicaCount > 1 && i == replicaCount - 1 ? SLOW_FACTOR : 1.0;
            settings.add(SimOptions.defaults().with(o -> {
                o.host = "127.0.0.1";
                o.port = firstReplicaPort == 0 ? 0 : firstReplicaPort + index;
                o.timeScale = timeScale;
                o.seed = index + 1;
                o.maxNumSeqs = BATCH_LIMIT;
                o.prefillOverheadMs *= slowdown;
                o.prefillMsPerToken *= slowdown;
                o.tpotMs *= slowdown;
            }));
        }
        return settings;
    }

    /**
     * Requests per second of real time that replicas with these settings finish with full batches,
     * for the load generator's default (ShareGPT-shaped) requests; infinite at time scale 0.
     */
    static double capacity(List<SimOptions> settings) {
        double total = 0;
        for (SimOptions replica : settings) {
            // 600 s of virtual time: a few milliseconds of CPU for an engine of 8 sequences.
            total += EngineCapacity.requestsPerSecond(replica.engine(), Workload.sharegpt(), replica.seed(), 600)
                    / replica.timeScale();
        }
        return total;
    }

    public static DemoFleet start(int port, int adminPort, int replicaCount, int firstReplicaPort, double timeScale) {
        List<SimOptions> settings = replicaSettings(replicaCount, firstReplicaPort, timeScale);
        double capacity = capacity(settings);
        Fleet replicas = Fleet.start(settings);
        try {
            Gateway gateway = Gateway.start(GatewayConfig.of(Map.of(
                    "server.host", "127.0.0.1",
                    "server.port", Integer.toString(port),
                    "admin.port", Integer.toString(adminPort),
                    "endpoints", replicas.endpoints(),
                    "shutdown.delay", "0s",
                    "shutdown.timeout", "5s")));
            return new DemoFleet(replicas, gateway, capacity);
        } catch (RuntimeException e) {
            replicas.close();
            throw e;
        }
    }

    public Gateway gateway() {
        return gateway;
    }

    public List<SimServer> replicas() {
        return replicas.replicas();
    }

    /** Requests per second the replicas finish with full batches (see {@link #capacity(List)}). */
    public double capacity() {
        return capacity;
    }

    /** The rate {@code demo --load} offers: {@value #LOAD_SHARE} times the capacity, so queues form. */
    public double loadRate() {
        if (!Double.isFinite(capacity)) {
            return 0; // time scale 0: the replicas answer at once, no load makes them queue
        }
        // One decimal, as printed: the rate in the printed command is the rate the demo runs.
        return Math.round(capacity * LOAD_SHARE * 10) / 10.0;
    }

    /** Running and waiting sequences per replica, such as {@code 8+3 8+1 4+0}. */
    public String occupancy() {
        return replicas.occupancy();
    }

    public String url() {
        return "http://127.0.0.1:" + gateway.port();
    }

    /** The curl examples and pointers the demo prints, with the ports actually in use. */
    public String instructions() {
        List<SimServer> servers = replicas.replicas();
        SimServer first = servers.get(0);
        String slow = servers.size() > 1
                ? String.format(Locale.ROOT, "; the last, :%d, is %.0f times as slow", servers.get(servers.size() - 1)
                        .port(), SLOW_FACTOR)
                : "";
        return instructions(gateway.port(), gateway.adminPort(), first.options().model(), replicas.endpoints(),
                "http://127.0.0.1:" + first.metricsPort(), slow, loadLines());
    }

    private String loadLines() {
        if (loadRate() <= 0) {
            return "";
        }
        String rate = String.format(Locale.ROOT, "%.1f", loadRate());
        return String.format(Locale.ROOT, """
                Load that makes queues form (%s req/s, about %.0f%% of what the replicas finish):
                  java -jar bench/target/qgate-bench.jar demo --load     (the demo with this load built in)
                  java -jar bench/target/qgate-bench.jar load --url %s --rate %s --duration 60s --stream

                """, rate, LOAD_SHARE * 100, url(), rate);
    }

    /** Drains the gateway (open streams finish), then stops the replicas. */
    @Override
    public void close() {
        gateway.shutdownGracefully();
        replicas.close();
    }

    /**
     * Stops the gateway and the replicas at once: under {@code --load} the replicas' queues would
     * not drain within the gateway's shutdown timeout, and Ctrl-C should not wait for them.
     */
    public void stopNow() {
        gateway.close();
        replicas.close();
    }

    private static String instructions(int port, int adminPort, String model, String endpoints,
                                       String firstReplicaMetrics, String slow, String loadLines) {
        String base = "http://127.0.0.1:" + port;
        return """

                qgate demo is running: gateway on %1$s, simulated replicas %2$s
                Each replica runs at most %8$d requests at once (vLLM's --max-num-seqs)%6$s.

                Status page (live, in a browser; watch the routing there): http://127.0.0.1:%4$d/

                A chat completion:
                  curl -s %1$s/v1/chat/completions -H 'Content-Type: application/json' \\
                    -d '{"model":"%3$s","messages":[{"role":"user","content":"Hello!"}],"max_tokens":32}'

                The same, streamed (server-sent events as the tokens are generated):
                  curl -sN %1$s/v1/chat/completions -H 'Content-Type: application/json' \\
                    -d '{"model":"%3$s","messages":[{"role":"user","content":"Hello!"}],"max_tokens":32,"stream":true}'

                Embeddings:
                  curl -s %1$s/v1/embeddings -H 'Content-Type: application/json' \\
                    -d '{"model":"%3$s","input":["hello","world"]}'

                %7$sMetrics:   curl -s http://127.0.0.1:%4$d/metrics | grep ^qgate_
                Readiness: curl -s http://127.0.0.1:%4$d/readyz
                Replicas:  curl -s http://127.0.0.1:%4$d/debug/endpoints
                Status data: curl -s http://127.0.0.1:%4$d/status.json
                A replica's vLLM metrics: curl -s %5$s/metrics | grep ^vllm:

                Ctrl-C stops everything.
                """.formatted(base, endpoints, model, adminPort, firstReplicaMetrics, slow, loadLines, BATCH_LIMIT);
    }
}
