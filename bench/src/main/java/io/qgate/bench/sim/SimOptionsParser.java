package io.qgate.bench.sim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

/** The command-line flags of {@link SimOptions}: one table drives both parsing and {@code --help}. */
final class SimOptionsParser {

    private record Flag(String name, String help, Function<SimOptions, Object> current,
                        BiFunction<SimOptions, String, SimOptions> apply) {}

    private static final List<Flag> FLAGS = List.of(
            new Flag("--host", "address to bind", SimOptions::host, SimOptions::withHost),
            new Flag("--port", "API port (0 = any free port)", SimOptions::port,
                    (o, v) -> o.withPort(parseInt(v))),
            new Flag("--metrics-port", "separate port for /metrics, like a vLLM sidecar (-1 = the API port)",
                    SimOptions::metricsPort, (o, v) -> o.withMetricsPort(parseInt(v))),
            new Flag("--model", "the one model this replica serves", SimOptions::model, SimOptions::withModel),
            new Flag("--max-num-seqs", "sequences the engine runs at once; the rest wait",
                    SimOptions::maxNumSeqs, (o, v) -> o.withMaxNumSeqs(parseInt(v))),
            new Flag("--time-scale", "multiplies every modelled duration (0 = answer at once)",
                    SimOptions::timeScale, (o, v) -> o.withTimeScale(parseDouble(v))),
            new Flag("--prefill-overhead-ms", "fixed prefill cost before a sequence's first token",
                    SimOptions::prefillOverheadMs, (o, v) -> o.withPrefillOverheadMs(parseDouble(v))),
            new Flag("--prefill-ms-per-token", "prefill cost per prompt token not in the prefix cache",
                    SimOptions::prefillMsPerToken, (o, v) -> o.withPrefillMsPerToken(parseDouble(v))),
            new Flag("--tpot-ms", "time per output token with one sequence running",
                    SimOptions::tpotMs, (o, v) -> o.withTpotMs(parseDouble(v))),
            new Flag("--load-factor-at-max", "decode step slowdown with max-num-seqs running (linear from 1)",
                    SimOptions::loadFactorAtMax, (o, v) -> o.withLoadFactorAtMax(parseDouble(v))),
            new Flag("--proxy-overhead-ms", "LiteLLM hop: a pure delay on the way in and again on the way "
                    + "out; requests never queue for it, so it adds latency but caps nothing",
                    SimOptions::proxyOverheadMs, (o, v) -> o.withProxyOverheadMs(parseDouble(v))),
            new Flag("--proxy-cpu-ms", "LiteLLM work per request, whatever its number of inputs: the request "
                    + "holds a proxy worker this long and requests queue FIFO for a worker, so the replica "
                    + "tops out at proxy-workers / proxy-cpu-ms requests per ms; 0 turns it off",
                    SimOptions::proxyCpuMs, (o, v) -> o.withProxyCpuMs(parseDouble(v))),
            new Flag("--proxy-workers", "proxy workers (1 = one single-threaded LiteLLM process)",
                    SimOptions::proxyWorkers, (o, v) -> o.withProxyWorkers(parseInt(v))),
            new Flag("--kv-capacity-tokens", "KV-cache capacity in tokens", SimOptions::kvCapacityTokens,
                    (o, v) -> o.withKvCapacityTokens(parseLong(v))),
            new Flag("--prefix-cache-blocks", "prefix-cache capacity in blocks of 16 tokens (0 = off)",
                    SimOptions::prefixCacheBlocks, (o, v) -> o.withPrefixCacheBlocks(parseInt(v))),
            new Flag("--mean-output-tokens", "mean output length when max_tokens is absent (lognormal)",
                    SimOptions::meanOutputTokens, (o, v) -> o.withMeanOutputTokens(parseInt(v))),
            new Flag("--max-output-tokens", "cap of the drawn output length", SimOptions::maxOutputTokens,
                    (o, v) -> o.withMaxOutputTokens(parseInt(v))),
            new Flag("--embedding-dim", "dimension of embedding vectors", SimOptions::embeddingDim,
                    (o, v) -> o.withEmbeddingDim(parseInt(v))),
            new Flag("--embedding-ms-per-item", "engine time each input adds to its embeddings request "
                    + "(a request's inputs are encoded together and finish together)",
                    SimOptions::embeddingMsPerItem, (o, v) -> o.withEmbeddingMsPerItem(parseDouble(v))),
            new Flag("--seed", "seed of generated text; equal seeds give equal answers", SimOptions::seed,
                    (o, v) -> o.withSeed(parseLong(v))),
            new Flag("--io-threads", "Netty I/O threads (0 = Netty's default)", SimOptions::ioThreads,
                    (o, v) -> o.withIoThreads(parseInt(v))));

    private static final int HELP_WIDTH = 100;
    private static final String HELP_INDENT = " ".repeat(30);

    private static final Map<String, Flag> BY_NAME = new LinkedHashMap<>();

    static {
        for (Flag flag : FLAGS) {
            BY_NAME.put(flag.name(), flag);
        }
    }

    private SimOptionsParser() {}

    static SimOptions parse(SimOptions defaults, String... args) {
        SimOptions options = defaults;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String name = arg;
            String value;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                value = null;
            }
            Flag flag = BY_NAME.get(name);
            if (flag == null) {
                throw new IllegalArgumentException("unknown option: " + name + " (see --help)");
            }
            if (value == null) {
                throw new IllegalArgumentException(name + ": missing value");
            }
            try {
                options = flag.apply().apply(options, value);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(name + " " + value + ": " + e.getMessage(), e);
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

    private static int parseInt(String v) {
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not an integer");
        }
    }

    private static long parseLong(String v) {
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not an integer");
        }
    }

    private static double parseDouble(String v) {
        try {
            return Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number");
        }
    }
}
