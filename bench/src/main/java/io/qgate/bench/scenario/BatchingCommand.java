package io.qgate.bench.scenario;

import io.qgate.routing.config.Units;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;

/**
 * The {@code batching} command line: runs the scenario, prints progress on stderr and the report
 * on stdout, and writes {@code results.json} and {@code report.md} into {@code --out}.
 */
public final class BatchingCommand {

    private static final String USAGE = """
            Usage: java -jar qgate-bench.jar batching [--quick] [--out DIR] [options]

            Micro-batching: single-input embeddings requests through one in-process gateway in front
            of simulated replicas whose LiteLLM is single-threaded (each request, whatever its number
            of inputs, holds the proxy for --proxy-cpu-ms), with batching off and then on: a closed
            loop (throughput at equal concurrency), then Poisson arrivals above the unbatched capacity.
            Every run starts fresh replicas and a fresh gateway. Real time throughout.

              --quick               a smoke run of both phases (seconds)
              --out DIR             where results.json and report.md go
                                    (default: bench/results/batching-<timestamp>)
              --replicas N          simulated replicas (default 2)
              --proxy-cpu-ms MS     LiteLLM work per request (default 5)
              --proxy-workers N     LiteLLM requests worked on at once per replica (default 1)
              --concurrency N       connections of the closed loop (default 64; quick 16)
              --rate R              open-loop arrivals per second; 0 skips that phase
                                    (default 1.5 x replicas x proxy-workers x 1000 / proxy-cpu-ms)
              --duration D          each measured run of both phases (default closed 10s, open 5s; quick 1s)
              --closed-duration D   each closed-loop run
              --open-duration D     each open-loop run
              --warmup D            unmeasured load before each run (default 3s; quick 300ms)
              --max-requests N      most requests per measured run (default 200000; quick 5000)
              --input-tokens N      tokens of each request's input (default 32)
              --embedding-dim N     vector length of the answers (default 384)
              --max-items N         the gateway's batching.max-items when on (default: the gateway's)
              --max-wait D          the gateway's batching.max-wait when on (default: the gateway's)
              --gateway-threads N   the gateway's event-loop threads (default 1)
              --seed N              seed of inputs and arrivals (default 42)
            """;

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private BatchingCommand() {}

    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        return ScenarioCli.run("batching", USAGE, args, out, err, BatchingCommand::parse, BatchingOptions::out,
                BatchingScenario::run);
    }

    /** {@code --quick} picks the base settings wherever it appears; the other flags then override them. */
    static BatchingOptions parse(String[] args) {
        Path defaultOut = Path.of("bench", "results", "batching-" + LocalDateTime.now().format(STAMP));
        boolean quick = Arrays.asList(args).contains("--quick");
        BatchingOptions.Builder options = quick ? BatchingOptions.quick(defaultOut) : BatchingOptions.full(defaultOut);
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (flag.equals("--quick")) {
                continue;
            }
            String value;
            int equals = flag.indexOf('=');
            if (flag.startsWith("--") && equals > 0) {
                value = flag.substring(equals + 1);
                flag = flag.substring(0, equals);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException(flag + ": missing value");
            }
            switch (flag) {
                case "--out" -> options.out(Path.of(value));
                case "--replicas" -> options.replicas(whole(flag, value));
                case "--proxy-cpu-ms" -> options.proxyCpuMs(number(flag, value));
                case "--proxy-workers" -> options.proxyWorkers(whole(flag, value));
                case "--concurrency" -> options.concurrency(whole(flag, value));
                case "--rate" -> options.rate(nonNegative(flag, value));
                case "--duration" -> options.duration(Units.duration(flag, value));
                case "--closed-duration" -> options.closedDuration(Units.duration(flag, value));
                case "--open-duration" -> options.openDuration(Units.duration(flag, value));
                case "--warmup" -> options.warmup(Units.duration(flag, value));
                case "--max-requests" -> options.maxRequests(wholeLong(flag, value));
                case "--input-tokens" -> options.inputTokens(whole(flag, value));
                case "--embedding-dim" -> options.embeddingDim(whole(flag, value));
                case "--max-items" -> options.maxItems(whole(flag, value));
                case "--max-wait" -> options.maxWait(Units.duration(flag, value));
                case "--gateway-threads" -> options.gatewayThreads(whole(flag, value));
                case "--seed" -> options.seed(wholeLong(flag, value));
                default -> throw new IllegalArgumentException("unknown option: " + flag);
            }
        }
        return options.build();
    }

    private static double number(String flag, String value) {
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + ": " + value + " (expected: a number)");
        }
    }

    private static double nonNegative(String flag, String value) {
        double number = number(flag, value);
        if (!(number >= 0)) {
            throw new IllegalArgumentException(flag + ": " + value + " (expected: >= 0)");
        }
        return number;
    }

    private static int whole(String flag, String value) {
        long number = wholeLong(flag, value);
        if (number != (int) number) {
            throw new IllegalArgumentException(flag + ": " + value + " (expected: a smaller whole number)");
        }
        return (int) number;
    }

    private static long wholeLong(String flag, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + ": " + value + " (expected: a whole number)");
        }
    }
}
