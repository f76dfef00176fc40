package io.qgate.bench.study.fleet;

import io.qgate.bench.cli.CommandLine;
import io.qgate.bench.cli.Flags;
import io.qgate.fleet.EngineModel;
import io.qgate.fleet.LoraRun;
import io.qgate.fleet.LoraWorkload;
import io.qgate.fleet.TtftLog;
import io.qgate.fleet.workload.Workload;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The {@code fleet-lora} command line: LoRA-aware routing against queue routing alone, in virtual
 * time, on the production router; a markdown table on stdout.
 */
public final class FleetLoraCommand {

    /** Exit status of a bad command line. */
    public static final int USAGE_STATUS = CommandLine.USAGE_STATUS;

    private static final String USAGE = """
            Usage: java -jar qgate-bench.jar fleet-lora [options]

            LoRA-aware routing (the queue strategy with its lora scorer) against queue routing
            alone (routing.weights.lora 0), in virtual time: replicas serving the same adapters with
            Zipf-like popularity, ShareGPT lengths, Poisson load at a share of the fleet's capacity
            for the base model, gateways scraping every 100 ms. Prints adapter loads and time to
            first token over the measured interval. The engines follow vLLM's rules: at most
            --max-loras adapters in a batch; a request for another is held back until one of them
            has no request left; a load (a read from disk: vLLM's max-cpu-loras defaults to
            max-loras) when an adapter joins the batch and is not among the last max-loras used.
            A run whose queues grow past 500 requests a replica (held back for good) stops there
            and says when.

              --replicas N      replicas (default 4)
              --gateways N      gateways, each routing its share of the requests (default 1)
              --adapters N      adapters served (default 12)
              --max-loras N     adapters in an engine's batch at once (default 2)
              --lora-load-ms X  what reading an adapter from disk adds to a prefill (default 50)
              --zipf X          popularity exponent: adapter k is asked for as 1/(k+1)^X (default 1)
              --load X          offered load, a share of capacity (default 0.8)
              --margin N        routing.affinity-margin (default 2)
              --warmup S        unmeasured seconds first (default 60)
              --seconds S       measured seconds (default 600)
              --seed N          the seed (default 42)
            """;

    private FleetLoraCommand() {}

    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (List.of(args).contains("--help")) {
            out.print(USAGE);
            return 0;
        }
        int replicas;
        int gateways;
        LoraWorkload lora;
        double load;
        int margin;
        double warmup;
        double seconds;
        long seed;
        try {
            Flags flags = Flags.parse(args, Set.of("--replicas", "--gateways", "--adapters", "--max-loras", "--lora-load-ms",
                    "--zipf", "--load", "--margin", "--warmup", "--seconds", "--seed"), Set.of());
            replicas = flags.whole("--replicas", 4);
            gateways = flags.whole("--gateways", 1);
            lora = new LoraWorkload(flags.whole("--adapters", 12), flags.whole("--max-loras", 2),
                    flags.number("--lora-load-ms", 50), flags.number("--zipf", 1.0));
            load = flags.number("--load", 0.8);
            margin = flags.whole("--margin", 2);
            warmup = flags.number("--warmup", 60);
            seconds = flags.number("--seconds", 600);
            seed = flags.wholeLong("--seed", 42);
            if (gateways < 1) {
                throw new IllegalArgumentException("--gateways " + gateways + " (expected: > 0)");
            }
            if (replicas < 1 || !(load > 0) || !(warmup >= 0) || !(seconds > 0)) {
                throw new IllegalArgumentException("--replicas " + replicas + ", --load " + load + ", --warmup "
                        + warmup + ", --seconds " + seconds + " (expected: > 0, > 0, >= 0, > 0)");
            }
        } catch (IllegalArgumentException e) {
            err.println("fleet-lora: " + e.getMessage());
            err.print(USAGE);
            return USAGE_STATUS;
        }
        List<LoraRun.Result> results = LoraRun.compare(EngineModel.defaults(), Workload.sharegpt(), lora, replicas, gateways,
                load, margin, warmup, seconds, seed);
        out.printf(Locale.ROOT, "%d replicas (max-loras %d), %d adapters (Zipf %.1f, %.0f ms a load), ShareGPT "
                        + "lengths, %.0f%% load (%.1f requests/s), %d gateway(s), affinity margin %d%n%n", replicas,
                lora.maxLoras(), lora.adapters(), lora.zipfExponent(), lora.loadMs(), 100 * load,
                results.get(0).offeredRps(), gateways, margin);
        out.println("| routing | adapter loads | TTFT p50 ms | TTFT p99 ms | requests | answered | failed | queues |");
        out.println("|---|---:|---:|---:|---:|---:|---:|---|");
        for (LoraRun.Result r : results) {
            String queues = Double.isNaN(r.collapsedAt()) ? "drained"
                    : String.format(Locale.ROOT, "held back for good: stopped at %.0f s", r.collapsedAt());
            out.printf(Locale.ROOT, "| %s | %d | %s | %s | %d | %d | %d | %s |%n", r.label(), r.adapterLoads(),
                    ms(r.ttft().p50Ms(), r.ttft()), ms(r.ttft().p99Ms(), r.ttft()), r.ttft().requests(),
                    r.ttft().answered(), r.failed(), queues);
        }
        return 0;
    }

    /** A quantile, or a dash when no request of the measured interval arrived (the run stopped first). */
    private static String ms(double quantileMs, TtftLog.Stats stats) {
        return stats.requests() == 0 ? "-" : String.format(Locale.ROOT, "%.0f", quantileMs);
    }
}
