package io.qgate.bench.study.batching;

import io.qgate.bench.cli.Flags;
import io.qgate.bench.harness.StudyCli;
import io.qgate.routing.config.Units;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Set;

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
        return StudyCli.run("batching", USAGE, args, out, err, BatchingCommand::parse, BatchingOptions::out,
                BatchingScenario::run);
    }

    /** {@code --quick} picks the base settings wherever it appears; the other flags then override them. */
    static BatchingOptions parse(String[] args) {
        Flags flags = Flags.parse(args, Set.of("--out", "--replicas", "--proxy-cpu-ms", "--proxy-workers",
                "--concurrency", "--rate", "--duration", "--closed-duration", "--open-duration", "--warmup",
                "--max-requests", "--input-tokens", "--embedding-dim", "--max-items", "--max-wait",
                "--gateway-threads", "--seed"), Set.of("--quick"));
        Path defaultOut = Path.of("bench", "results", "batching-" + LocalDateTime.now().format(STAMP));
        BatchingOptions.Builder options = flags.on("--quick") ? BatchingOptions.quick(defaultOut)
                : BatchingOptions.full(defaultOut);
        flags.ifGiven("--out", v -> options.out(Path.of(v)));
        flags.ifGiven("--replicas", v -> options.replicas(Flags.whole("--replicas", v)));
        flags.ifGiven("--proxy-cpu-ms", v -> options.proxyCpuMs(Flags.number("--proxy-cpu-ms", v)));
        flags.ifGiven("--proxy-workers", v -> options.proxyWorkers(Flags.whole("--proxy-workers", v)));
        flags.ifGiven("--concurrency", v -> options.concurrency(Flags.whole("--concurrency", v)));
        flags.ifGiven("--rate", v -> options.rate(nonNegative("--rate", v)));
        flags.ifGiven("--duration", v -> options.duration(Units.duration("--duration", v)));
        flags.ifGiven("--closed-duration", v -> options.closedDuration(Units.duration("--closed-duration", v)));
        flags.ifGiven("--open-duration", v -> options.openDuration(Units.duration("--open-duration", v)));
        flags.ifGiven("--warmup", v -> options.warmup(Units.duration("--warmup", v)));
        flags.ifGiven("--max-requests", v -> options.maxRequests(Flags.wholeLong("--max-requests", v)));
        flags.ifGiven("--input-tokens", v -> options.inputTokens(Flags.whole("--input-tokens", v)));
        flags.ifGiven("--embedding-dim", v -> options.embeddingDim(Flags.whole("--embedding-dim", v)));
        flags.ifGiven("--max-items", v -> options.maxItems(Flags.whole("--max-items", v)));
        flags.ifGiven("--max-wait", v -> options.maxWait(Units.duration("--max-wait", v)));
        flags.ifGiven("--gateway-threads", v -> options.gatewayThreads(Flags.whole("--gateway-threads", v)));
        flags.ifGiven("--seed", v -> options.seed(Flags.wholeLong("--seed", v)));
        return options.build();
    }

    private static double nonNegative(String flag, String value) {
        double number = Flags.number(flag, value);
        if (!(number >= 0)) {
            throw new IllegalArgumentException(flag + ": " + value + " (expected: >= 0)");
        }
        return number;
    }
}
