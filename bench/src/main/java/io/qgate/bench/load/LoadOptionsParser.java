package io.qgate.bench.load;

import io.qgate.fleet.workload.Workload;
import io.qgate.routing.config.Units;
import java.net.URI;
import java.nio.file.Path;

/** The command line of {@code load}: {@code --name value} or {@code --name=value}, flags without a value. */
final class LoadOptionsParser {
    private LoadOptionsParser() {}

    static LoadOptions parse(String[] args) {
        LoadOptions.Builder builder = LoadOptions.builder();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument: " + arg + " (expected: --option; see --help)");
            }
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            if (isFlag(name)) {
                boolean on = value == null || Boolean.parseBoolean(value);
                if (name.equals("--stream")) {
                    builder.stream(on);
                } else {
                    builder.quiet(on);
                }
                continue;
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(name + ": missing value (see --help)");
                }
                value = args[++i];
            }
            apply(builder, name, value);
        }
        return builder.build();
    }

    private static boolean isFlag(String name) {
        return name.equals("--stream") || name.equals("--quiet");
    }

    private static void apply(LoadOptions.Builder builder, String name, String value) {
        switch (name) {
            case "--url":
                builder.url(parseUrl(value));
                break;
            case "--api":
                builder.api(Api.parse(value));
                break;
            case "--model":
                builder.model(value);
                break;
            case "--rate":
                builder.rate(positiveDouble(name, value));
                break;
            case "--concurrency":
                builder.concurrency(positiveInt(name, value));
                break;
            case "--duration":
                builder.duration(Units.duration(name, value));
                break;
            case "--requests":
                builder.requests(positiveLong(name, value));
                break;
            case "--workload":
                builder.workload(Workload.parse(value));
                break;
            case "--tenants":
                builder.tenants((int) nonNegativeLong(name, value));
                break;
            case "--system-prompt-tokens":
                builder.systemPromptTokens(positiveInt(name, value));
                break;
            case "--seed":
                builder.seed(parseLong(name, value));
                break;
            case "--threads":
                builder.threads(positiveInt(name, value));
                break;
            case "--max-connections":
                builder.maxConnections(positiveInt(name, value));
                break;
            case "--drain-timeout":
                builder.drainTimeout(Units.duration(name, value));
                break;
            case "--request-timeout":
                builder.requestTimeout(Units.duration(name, value));
                break;
            case "--warmup":
                builder.warmup(Units.duration(name, value));
                break;
            case "--header":
                int colon = value.indexOf(':');
                if (colon <= 0) {
                    throw new IllegalArgumentException(name + ": " + value + " (expected: Name:value)");
                }
                builder.header(value.substring(0, colon).trim(), value.substring(colon + 1).trim());
                break;
            case "--out":
                builder.out(Path.of(value));
                break;
            default:
                throw new IllegalArgumentException("unknown option: " + name + " (see --help)");
        }
    }

    private static URI parseUrl(String value) {
        try {
            return new URI(value);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("--url: " + value + " (expected: http://host[:port])", e);
        }
    }

    private static long parseLong(String name, String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: an integer)", e);
        }
    }

    private static long nonNegativeLong(String name, String value) {
        long parsed = parseLong(name, value);
        if (parsed < 0 || parsed > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: >= 0)");
        }
        return parsed;
    }

    private static long positiveLong(String name, String value) {
        long parsed = parseLong(name, value);
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
