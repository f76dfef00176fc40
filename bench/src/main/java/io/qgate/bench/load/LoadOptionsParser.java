package io.qgate.bench.load;

import io.qgate.bench.cli.Flags;
import io.qgate.fleet.workload.Workload;
import io.qgate.routing.config.Units;
import java.net.URI;
import java.nio.file.Path;
import java.util.Set;

/** The command line of {@code load}, read by the bench's one {@link Flags} parser, and its help. */
final class LoadOptionsParser {
    private LoadOptionsParser() {}

    private static final Set<String> VALUED = Set.of("--url", "--api", "--model", "--rate", "--concurrency",
            "--duration", "--requests", "--workload", "--tenants", "--system-prompt-tokens", "--seed", "--threads",
            "--max-connections", "--drain-timeout", "--request-timeout", "--warmup", "--header", "--out");
    private static final Set<String> SWITCHES = Set.of("--stream", "--quiet");

    static LoadOptions parse(String[] args) {
        Flags flags = Flags.parse(args, VALUED, SWITCHES);
        LoadOptions.Builder builder = LoadOptions.builder();
        flags.ifGiven("--url", v -> builder.url(parseUrl(v)));
        flags.ifGiven("--api", v -> builder.api(Api.parse(v)));
        flags.ifGiven("--model", builder::model);
        flags.ifGiven("--rate", v -> builder.rate(positiveDouble("--rate", v)));
        flags.ifGiven("--concurrency", v -> builder.concurrency(positiveInt("--concurrency", v)));
        flags.ifGiven("--duration", v -> builder.duration(Units.duration("--duration", v)));
        flags.ifGiven("--requests", v -> builder.requests(positiveLong("--requests", v)));
        flags.ifGiven("--workload", v -> builder.workload(Workload.parse(v)));
        flags.ifGiven("--tenants", v -> builder.tenants((int) nonNegativeLong("--tenants", v)));
        flags.ifGiven("--system-prompt-tokens", v -> builder.systemPromptTokens(positiveInt("--system-prompt-tokens", v)));
        flags.ifGiven("--seed", v -> builder.seed(Flags.wholeLong("--seed", v)));
        flags.ifGiven("--threads", v -> builder.threads(positiveInt("--threads", v)));
        flags.ifGiven("--max-connections", v -> builder.maxConnections(positiveInt("--max-connections", v)));
        flags.ifGiven("--drain-timeout", v -> builder.drainTimeout(Units.duration("--drain-timeout", v)));
        flags.ifGiven("--request-timeout", v -> builder.requestTimeout(Units.duration("--request-timeout", v)));
        flags.ifGiven("--warmup", v -> builder.warmup(Units.duration("--warmup", v)));
        flags.ifGiven("--out", v -> builder.out(Path.of(v)));
        for (String header : flags.all("--header")) {
            int colon = header.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("--header: " + header + " (expected: Name:value)");
            }
            builder.header(header.substring(0, colon).trim(), header.substring(colon + 1).trim());
        }
        builder.stream(flags.on("--stream"));
        builder.quiet(flags.on("--quiet"));
        return builder.build();
    }

    private static URI parseUrl(String value) {
        try {
            return new URI(value);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("--url: " + value + " (expected: http://host[:port])", e);
        }
    }

    private static long nonNegativeLong(String name, String value) {
        long parsed = Flags.wholeLong(name, value);
        if (parsed < 0 || parsed > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: >= 0)");
        }
        return parsed;
    }

    private static long positiveLong(String name, String value) {
        long parsed = Flags.wholeLong(name, value);
        if (parsed <= 0) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
        }
        return parsed;
    }

    private static int positiveInt(String name, String value) {
        long parsed = positiveLong(name, value);
        if (parsed > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: <= " + Integer.MAX_VALUE + ")");
        }
        return (int) parsed;
    }

    private static double positiveDouble(String name, String value) {
        double parsed;
        try {
            parsed = Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: a number > 0)", e);
        }
        if (!(parsed > 0) || Double.isInfinite(parsed)) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
        }
        return parsed;
    }

    static String help() {
        return String.join("\n",
                "Usage: load [options]",
                "",
                "Drives an OpenAI-compatible server with an open loop (Poisson arrivals at --rate) or a",
                "closed loop (--concurrency connections), then prints TTFT and end-to-end latency.",
                "",
                "  --url URL                   base URL (default: " + LoadOptions.DEFAULT_URL + ")",
                "  --api chat|completions|embeddings   endpoint to call (default: chat)",
                "  --model NAME                model field of every request (default: " + LoadOptions.DEFAULT_MODEL + ")",
                "  --rate R                    open loop: R requests per second, Poisson arrivals",
                "  --concurrency C             closed loop: C connections, each sends after its previous answer"
                        + " (default: " + LoadOptions.DEFAULT_CONCURRENCY + " unless --rate)",
                "  --duration D                issue requests for D, e.g. 500ms, 30s, 2m"
                        + " (default: " + Units.format(LoadOptions.DEFAULT_DURATION) + " unless --requests)",
                "  --requests N                issue N requests (with --duration: whichever ends first)",
                "  --stream                    stream responses (SSE) and measure time to first token",
                "  --workload NAME             sharegpt | tiny | fixed:P:O (default: sharegpt)",
                "  --tenants N                 N tenants, each request led by its tenant's system prompt (default: 0)",
                "  --system-prompt-tokens T    length of each tenant's system prompt"
                        + " (default: " + LoadOptions.DEFAULT_SYSTEM_PROMPT_TOKENS + ")",
                "  --seed S                    seed of the request sequence and arrivals (default: "
                        + LoadOptions.DEFAULT_SEED + ")",
                "  --threads T                 event loop threads (default: 1)",
                "  --max-connections M         open loop connection limit; beyond it requests fail as"
                        + " client_saturated (default: " + LoadOptions.DEFAULT_MAX_CONNECTIONS + ")",
                "  --drain-timeout D           wait for outstanding answers after the run (default: "
                        + Units.format(LoadOptions.DEFAULT_DRAIN_TIMEOUT) + ")",
                "  --request-timeout D         fail one request as timeout after D (default: "
                        + Units.format(LoadOptions.DEFAULT_REQUEST_TIMEOUT) + ")",
                "  --warmup D                  run the same load for D first, on the same connections, unmeasured (default: 0s)",
                "  --header Name:value         extra request header, repeatable (e.g. Authorization:Bearer x)",
                "  --out FILE                  write results as JSON",
                "  --quiet                     no progress line on stderr",
                "  --help                      this text",
                "");
    }
}
