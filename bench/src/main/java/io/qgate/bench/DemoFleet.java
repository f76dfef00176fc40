package io.qgate.bench;

import io.qgate.bench.harness.Fleet;
import io.qgate.bench.sim.SimOptions;
import io.qgate.bench.sim.SimServer;
import io.qgate.gateway.Gateway;
import io.qgate.gateway.config.GatewayConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the demo runs: simulated replicas on consecutive ports and the gateway in front of them,
 * all on 127.0.0.1, and the instructions it prints. Port 0 picks free ports (for tests).
 */
public final class DemoFleet implements AutoCloseable {

    private final Fleet replicas;
    private final Gateway gateway;

    private DemoFleet(Fleet replicas, Gateway gateway) {
        this.replicas = replicas;
        this.gateway = gateway;
    }

    public static DemoFleet start(int port, int adminPort, int replicaCount, int firstReplicaPort, double timeScale) {
        List<SimOptions> settings = new ArrayList<>();
        for (int i = 0; i < replicaCount; i++) {
            int index = i;
            settings.add(SimOptions.defaults().with(o -> {
                o.host = "127.0.0.1";
                o.port = firstReplicaPort == 0 ? 0 : firstReplicaPort + index;
                o.timeScale = timeScale;
                o.seed = index + 1;
            }));
        }
        Fleet replicas = Fleet.start(settings);
        try {
            Gateway gateway = Gateway.start(GatewayConfig.of(Map.of(
                    "server.host", "127.0.0.1",
                    "server.port", Integer.toString(port),
                    "admin.port", Integer.toString(adminPort),
                    "endpoints", replicas.endpoints(),
                    "shutdown.delay", "0s",
                    "shutdown.timeout", "5s")));
            return new DemoFleet(replicas, gateway);
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

    /** The curl examples and pointers the demo prints, with the ports actually in use. */
    public String instructions() {
        SimServer first = replicas.replicas().get(0);
        return instructions(gateway.port(), gateway.adminPort(), first.options().model(), replicas.endpoints(),
                "http://127.0.0.1:" + first.metricsPort());
    }

    /** Drains the gateway (open streams finish), then stops the replicas. */
    @Override
    public void close() {
        gateway.shutdownGracefully();
        replicas.close();
    }

    private static String instructions(int port, int adminPort, String model, String endpoints,
                                       String firstReplicaMetrics) {
        String base = "http://127.0.0.1:" + port;
        return """

                qgate demo is running: gateway on %1$s, simulated replicas %2$s

                A chat completion:
                  curl -s %1$s/v1/chat/completions -H 'Content-Type: application/json' \\
                    -d '{"model":"%3$s","messages":[{"role":"user","content":"Hello!"}],"max_tokens":32}'

                The same, streamed (server-sent events as the tokens are generated):
                  curl -sN %1$s/v1/chat/completions -H 'Content-Type: application/json' \\
                    -d '{"model":"%3$s","messages":[{"role":"user","content":"Hello!"}],"max_tokens":32,"stream":true}'

                Embeddings:
                  curl -s %1$s/v1/embeddings -H 'Content-Type: application/json' \\
                    -d '{"model":"%3$s","input":["hello","world"]}'

                Load (in another terminal):
                  java -jar bench/target/qgate-bench.jar load --url %1$s --rate 20 --duration 30s --stream

                Metrics:   curl -s http://127.0.0.1:%4$d/metrics | grep ^qgate_
                Readiness: curl -s http://127.0.0.1:%4$d/readyz
                Replicas:  curl -s http://127.0.0.1:%4$d/debug/endpoints
                Status page (live, in a browser): http://127.0.0.1:%4$d/
                  its data: curl -s http://127.0.0.1:%4$d/status.json
                A replica's vLLM metrics: curl -s %5$s/metrics | grep ^vllm:

                Ctrl-C stops everything.
                """.formatted(base, endpoints, model, adminPort, firstReplicaMetrics);
    }
}
