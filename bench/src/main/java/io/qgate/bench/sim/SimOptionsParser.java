package io.qgate.bench.sim;

import io.qgate.bench.cli.Flags;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.ObjDoubleConsumer;
import java.util.function.ObjIntConsumer;
import java.util.function.ObjLongConsumer;

/** The command-line flags of {@link SimOptions}: one table drives both parsing and {@code --help}. */
final class SimOptionsParser {

    /** One flag: its help, its value in given options, and how a value given for it changes a draft. */
    private record Flag(String name, String help, Function<SimOptions, Object> current,
                        BiConsumer<SimOptions.Draft, String> apply) {

        static Flag text(String name, String help, Function<SimOptions, Object> current,
                         BiConsumer<SimOptions.Draft, String> set) {
            return new Flag(name, help, current, set);
        }

        static Flag whole(String name, String help, Function<SimOptions, Object> current,
                          ObjIntConsumer<SimOptions.Draft> set) {
            return new Flag(name, help, current, (o, v) -> set.accept(o, Flags.whole(name, v)));
        }

        static Flag wholeLong(String name, String help, Function<SimOptions, Object> current,
                              ObjLongConsumer<SimOptions.Draft> set) {
            return new Flag(name, help, current, (o, v) -> set.accept(o, Flags.wholeLong(name, v)));
        }

        static Flag number(String name, String help, Function<SimOptions, Object> current,
                           ObjDoubleConsumer<SimOptions.Draft> set) {
            return new Flag(name, help, current, (o, v) -> set.accept(o, Flags.number(name, v)));
        }
    }

    private static final List<Flag> FLAGS = List.of(
            Flag.text("--host", "address to bind", SimOptions::host, (o, v) -> o.host = v),
            Flag.whole("--port", "API port (0 = any free port)", SimOptions::port,
                    (o, v) -> o.port = v),
            Flag.whole("--metrics-port", "separate port for /metrics, like a vLLM sidecar (-1 = the API port)",
                    SimOptions::metricsPort, (o, v) -> o.metricsPort = v),
            Flag.text("--model", "the one model this replica serves", SimOptions::model, (o, v) -> o.model = v),
            Flag.whole("--max-num-seqs", "sequences the engine runs at once; the rest wait",
                    SimOptions::maxNumSeqs, (o, v) -> o.maxNumSeqs = v),
            Flag.number("--time-scale", "multiplies every modelled duration (0 = answer at once)",
                    SimOptions::timeScale, (o, v) -> o.timeScale = v),
            Flag.number("--prefill-overhead-ms", "fixed delay before a sequence's first token (not engine time)",
                    SimOptions::prefillOverheadMs, (o, v) -> o.prefillOverheadMs = v),
            Flag.number("--prefill-ms-per-token", "engine time per uncached prompt token (prefills take turns)",
                    SimOptions::prefillMsPerToken, (o, v) -> o.prefillMsPerToken = v),
            Flag.number("--tpot-ms", "time per output token with one sequence running",
                    SimOptions::tpotMs, (o, v) -> o.tpotMs = v),
            Flag.number("--load-factor-at-max", "decode step slowdown with max-num-seqs running (linear from 1)",
                    SimOptions::loadFactorAtMax, (o, v) -> o.loadFactorAtMax = v),
            Flag.number("--proxy-overhead-ms", "LiteLLM hop: a pure delay on the way in and again on the way "
                    + "out; requests never queue for it, so it adds latency but caps nothing",
                    SimOptions::proxyOverheadMs, (o, v) -> o.proxyOverheadMs = v),
            Flag.number("--proxy-cpu-ms", "LiteLLM work per request, whatever its number of inputs: the request "
                    + "holds a proxy worker this long and requests queue FIFO for a worker, so the replica "
                    + "tops out at proxy-workers / proxy-cpu-ms requests per ms; 0 turns it off",
                    SimOptions::proxyCpuMs, (o, v) -> o.proxyCpuMs = v),
            Flag.whole("--proxy-workers", "proxy workers (1 = one single-threaded LiteLLM process)",
                    SimOptions::proxyWorkers, (o, v) -> o.proxyWorkers = v),
            Flag.wholeLong("--kv-capacity-tokens", "KV-cache capacity in tokens", SimOptions::kvCapacityTokens,
                    (o, v) -> o.kvCapacityTokens = v),
            Flag.whole("--prefix-cache-blocks", "prefix-cache capacity in blocks of 16 tokens (0 = off)",
                    SimOptions::prefixCacheBlocks, (o, v) -> o.prefixCacheBlocks = v),
            Flag.whole("--mean-output-tokens", "mean output length when max_tokens is absent (lognormal)",
                    SimOptions::meanOutputTokens, (o, v) -> o.meanOutputTokens = v),
            Flag.whole("--max-output-tokens", "cap of the drawn output length", SimOptions::maxOutputTokens,
                    (o, v) -> o.maxOutputTokens = v),
            Flag.whole("--embedding-dim", "dimension of embedding vectors", SimOptions::embeddingDim,
                    (o, v) -> o.embeddingDim = v),
            Flag.number("--embedding-ms-per-item", "engine time each input adds to its embeddings request "
                    + "(a request's inputs are encoded together and finish together)",
                    SimOptions::embeddingMsPerItem, (o, v) -> o.embeddingMsPerItem = v),
            Flag.wholeLong("--seed", "seed of generated text; equal seeds give equal answers", SimOptions::seed,
                    (o, v) -> o.seed = v),
            Flag.whole("--io-threads", "Netty I/O threads (0 = Netty's default)", SimOptions::ioThreads,
                    (o, v) -> o.ioThreads = v),
            Flag.text("--lora-modules", "LoRA adapters served as model names of their own, comma-separated; "
                    + "vLLM's name=path is taken as the name (empty = LoRA off)",
                    o -> String.join(",", o.loraModules()), (o, v) -> o.loraModules = adapterNames(v)),
            Flag.whole("--max-loras", "LoRA adapters in a batch at once; a request for another waits until one has none left",
                    SimOptions::maxLoras, (o, v) -> o.maxLoras = v),
            Flag.number("--lora-load-ms", "what reading an adapter from disk adds to a prefill (when it "
                    + "joins the batch and is not among the last --max-loras used)",
                    SimOptions::loraLoadMs, (o, v) -> o.loraLoadMs = v),
            Flag.text("--scheduling-policy", "vLLM's: fcfs starts waiting requests in arrival order and refuses a "
                    + "request whose 'priority' is not 0; priority starts the lowest 'priority' first, then the "
                    + "earliest, and preempts the least urgent", o -> o.schedulingPolicy().id(),
                    (o, v) -> o.schedulingPolicy = SchedulingPolicy.of(v)));

    /** A switch, so it stands apart from the valued flags of the table. */
    private static final String GPU_METRICS = "--gpu-metrics";
    private static final String GPU_METRICS_HELP =
            "also export DCGM-style GPU series (DCGM_FI_DEV_GPU_UTIL, DCGM_FI_DEV_FB_USED, DCGM_FI_DEV_FB_FREE)";

    private static final int HELP_WIDTH = 100;
    private static final String HELP_INDENT = " ".repeat(30);

    private static final Map<String, Flag> BY_NAME = new LinkedHashMap<>();

    static {
        for (Flag flag : FLAGS) {
            BY_NAME.put(flag.name(), flag);
        }
    }

    private SimOptionsParser() {}

    /** {@code a,b=/path/b}: the names, as vLLM's {@code --lora-modules name=path} names them. */
    private static List<String> adapterNames(String value) {
        List<String> names = new ArrayList<>();
        for (String module : value.split(",")) {
            String name = module.strip();
            int path = name.indexOf('=');
            name = path < 0 ? name : name.substring(0, path).strip();
            if (!name.isEmpty()) {
                names.add(name);
            }
        }
        return names;
    }

    static SimOptions parse(SimOptions defaults, String... args) {
        Flags flags = Flags.parse(args, BY_NAME.keySet(), Set.of(GPU_METRICS));
        SimOptions options = defaults;
        if (flags.has(GPU_METRICS)) {
            options = options.with(o -> o.gpuMetrics = flags.on(GPU_METRICS));
        }
        for (Flag flag : FLAGS) {
            if (!flags.has(flag.name())) {
                continue;
            }
            String value = flags.text(flag.name(), null);
            try {
                options = options.with(o -> flag.apply().accept(o, value));
            } catch (IllegalArgumentException e) {
                // The options name their field; the user typed the flag.
                throw e.getMessage().startsWith(flag.name()) ? e
                        : new IllegalArgumentException(flag.name() + " " + value + ": " + e.getMessage(), e);
            }
        }
        return options;
    }

    static String usage(SimOptions defaults) {
        StringBuilder out = new StringBuilder(
                "Usage: sim [options]\nA simulated LiteLLM + vLLM replica (OpenAI API, vLLM /metrics).\n\n");
        for (Flag flag : FLAGS) {
            List<String> words = new ArrayList<>(List.of(flag.help().split(" ")));
            words.add("(default: " + flag.current().apply(defaults) + ")");
            out.append(String.format("  %-27s %s%n", flag.name() + " <v>", wrap(words)));
        }
        List<String> gpu = new ArrayList<>(List.of(GPU_METRICS_HELP.split(" ")));
        gpu.add("(default: " + (defaults.gpuMetrics() ? "on" : "off") + ")");
        out.append(String.format("  %-27s %s%n", GPU_METRICS, wrap(gpu)));
        out.append(String.format("  %-27s %s%n", "--help", "print this text"));
        return out.toString();
    }

    /** Joins words with spaces, breaking lines before column 100; later lines are indented. */
    private static String wrap(List<String> words) {
        int width = HELP_WIDTH - HELP_INDENT.length();
        StringBuilder out = new StringBuilder();
        int lineStart = 0;
        for (String word : words) {
            if (out.length() > lineStart && out.length() - lineStart + 1 + word.length() > width) {
                out.append(System.lineSeparator()).append(HELP_INDENT);
                lineStart = out.length();
            } else if (out.length() > lineStart) {
                out.append(' ');
            }
            out.append(word);
        }
        return out.toString();
    }
}
