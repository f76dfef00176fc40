package io.qgate.bench.study.queueing;

import io.qgate.bench.cli.Flags;
import io.qgate.bench.harness.StudyCli;
import io.qgate.bench.study.routing.ScenarioOptions;
import io.qgate.gateway.config.GatewayConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Set;

/**
 * The {@code queueing} command line: the gateway-held queue against the engines' own; progress on
 * stderr, the report on stdout and in {@code --out}.
 */
public final class QueueingCommand {

    private static final String USAGE = """
            Usage: java -jar qgate-bench.jar queueing [--quick] [--out DIR] [options]

            The queue held at the gateway (saturation-aware admission, priority and fair order by
            tenant) against the engines' own queues, with the same arrivals: a noisy neighbour
            (tenant a at ten times tenant b's rate, together above capacity) against b alone, a
            high-priority trickle beside a low-priority flood, and late binding on the routing
            bench's fleet. Latencies in modelled time, time to first token at the first content token.

              --quick              a short smoke run (seconds)
              --out DIR            where results.json and report.md go
                                   (default: bench/results/queueing-<timestamp>)
              --overload F         the tenants' load together, a multiple of capacity (default 1.2)
              --engine-queue N     admission.engine-queue where the queue is held: auto or a
                                   whole number (default auto)
              --gateways N         gateways, peers of one another, that also hold the late-binding
                                   part's queue together, beside one gateway (default 3; 1: not run)
              --duration D         modelled length of each measured run (default 120s; quick 2s)
              --time-scale F       wall-clock seconds per modelled second (default 0.25; quick 1)
              --seed N             base seed (default 42)
            """;

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private QueueingCommand() {}

    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        return StudyCli.run("queueing", USAGE, args, out, err, QueueingCommand::parse, QueueingOptions::out,
                QueueingScenario::run);
    }

    static QueueingOptions parse(String[] args) {
        Flags flags = Flags.parse(args, Set.of("--out", "--overload", "--duration", "--time-scale", "--seed",
                "--engine-queue", "--gateways"),
                Set.of("--quick"));
        Path out = Path.of(flags.text("--out", Path.of("bench", "results", "queueing-"
                + LocalDateTime.now().format(STAMP)).toString()));
        boolean quick = flags.on("--quick");
        ScenarioOptions base = quick ? ScenarioOptions.quick(out).with(o -> {
            o.duration = Duration.ofSeconds(2);
            o.warmup = Duration.ZERO;
            o.fixedCapacity = 20;
        }) : ScenarioOptions.full(out).with(o -> o.warmup = Duration.ofSeconds(20));
        ScenarioOptions lateBinding = base.with(o -> {
            o.duration = flags.duration("--duration", o.duration);
            o.timeScale = flags.number("--time-scale", o.timeScale);
            o.seed = flags.wholeLong("--seed", o.seed);
            o.fixedCapacity = quick ? 40 : 0;
        });
        // Three replicas of four sequences: a pool small enough that one tenant saturates it.
        ScenarioOptions saturated = lateBinding.with(o -> {
            o.replicas = 3;
            o.maxNumSeqs = 4;
            o.fixedCapacity = quick ? 20 : 0;
        });
        return new QueueingOptions(saturated, lateBinding, flags.number("--overload", 1.2), List.of(0.85, 0.95),
                engineQueue(flags.text("--engine-queue", "auto")), flags.whole("--gateways", 3), out);
    }

    private static int engineQueue(String text) {
        if (text.equalsIgnoreCase("auto")) {
            return GatewayConfig.Saturation.AUTO;
        }
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--engine-queue " + text + " (expected: auto, or a whole number)", e);
        }
    }
}
