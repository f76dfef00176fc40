package io.qgate.bench;

import io.qgate.bench.sim.SimOptions;
import io.qgate.bench.sim.SimServer;
import io.qgate.gateway.Gateway;
import io.qgate.gateway.config.GatewayConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.CountDownLatch;

/**
 * The README's first command: three simulated replicas and the gateway in one process on
 * localhost, with curl examples to try. Ctrl-C stops everything.
 */
public final class DemoCommand {

    private static final String USAGE = """
            Usage: java -jar qgate-bench.jar demo [--port 8080] [--admin-port 9090] [--replicas 3]
                                                  [--first-replica-port 8001] [--time-scale 1]

            Starts simulated LiteLLM + vLLM replicas on consecutive ports from --first-replica-port
            and the gateway in front of them, all on 127.0.0.1. --time-scale 0.1 runs the
            simulated model ten times faster.
            """;

    private DemoCommand() {}

    public static int run(String[] args) {
        int port = 8080;
        int adminPort = 9090;
        int replicas = 3;
        int firstReplicaPort = 8001;
        double timeScale = 1.0;
        try {
            for (int i = 0; i < args.length; i++) {
                String flag = args[i];
                if (flag.equals("--help") || flag.equals("-h")) {
                    System.out.print(USAGE);
                    return 0;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(flag + ": missing value");
                }
                String value = args[++i];
                switch (flag) {
                    case "--port" -> port = Integer.parseInt(value);
                    case "--admin-port" -> adminPort = Integer.parseInt(value);
                    case "--replicas" -> replicas = Integer.parseInt(value);
                    case "--first-replica-port" -> firstReplicaPort = Integer.parseInt(value);
                    case "--time-scale" -> timeScale = Double.parseDouble(value);
                    default -> throw new IllegalArgumentException("unknown option: " + flag);
                }
            }
            if (replicas < 1 || replicas > 64) {
                throw new IllegalArgumentException("--replicas: " + replicas + " (expected: 1-64)");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("demo: " + e.getMessage() + " (see --help)");
            return 2;
        }

        List<SimServer> sims = new ArrayList<>();
        StringJoiner endpoints = new StringJoiner(",");
        Gateway gateway;
        try {
            for (int i = 0; i < replicas; i++) {
                SimServer sim = SimServer.start(SimOptions.defaults()
                        .withHost("127.0.0.1").withPort(firstReplicaPort + i).withTimeScale(timeScale).withSeed(i + 1));
                sims.add(sim);
                endpoints.add("http://127.0.0.1:" + sim.port());
            }
            gateway = Gateway.start(GatewayConfig.of(Map.of(
                    "server.host", "127.0.0.1",
                    "server.port", Integer.toString(port),
                    "admin.port", Integer.toString(adminPort),
                    "endpoints", endpoints.toString(),
                    "shutdown.delay", "0s",
                    "shutdown.timeout", "5s")));
        } catch (RuntimeException e) {
            System.err.println("demo: could not start: " + e.getMessage()
                    + " (is a port taken? try --port, --admin-port, --first-replica-port)");
            sims.forEach(SimServer::close);
            return 1;
        }

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            gateway.shutdownGracefully();
            sims.forEach(SimServer::close);
            stopped.countDown();
        }, "qgate-demo-shutdown"));
        System.out.print(instructions(gateway.port(), gateway.adminPort(), sims.get(0).options().model(), endpoints,
                "http://127.0.0.1:" + sims.get(0).metricsPort()));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private static String instructions(int port, int adminPort, String model, StringJoiner endpoints,
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
                A replica's vLLM metrics: curl -s %5$s/metrics | grep ^vllm:

                Ctrl-C stops everything.
                """.formatted(base, endpoints, model, adminPort, firstReplicaMetrics);
    }
}
