package io.qgate.bench.study.routing;

import java.time.Duration;
import java.util.Locale;

/** {@code report.md}: the setup in a paragraph, then the table of rows and the table of targets. */
final class ReportMarkdown {

    private ReportMarkdown() {}

    /** Latencies are converted so that they read as a real deployment's; the report says so. */
    static String unitsNote(ScenarioOptions options) {
        return String.format(Locale.ROOT, "modelled time: the replicas ran at time scale %s, so 1 modelled second "
                        + "took %.0f ms of wall clock; latencies are wall-clock ms / %s, rates wall-clock req/s x %s",
                options.timeScale(), 1000 * options.timeScale(), options.timeScale(), options.timeScale());
    }

    static String render(ScenarioReport report) {
        ScenarioOptions options = report.options();
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "# Routing quality: %d gateways sharing %d simulated replicas%s%n%n",
                options.gateways(), options.replicas(), options.quick() ? " (quick)" : ""));
        md.append(String.format(Locale.ROOT,
                "- Fleet: %d simulated LiteLLM + vLLM replicas, max-num-seqs %d, prefix cache %d blocks of 16 "
                        + "tokens, fresh for every row.%n", options.replicas(), options.maxNumSeqs(),
                options.prefixCacheBlocks()));
        md.append(String.format(Locale.ROOT,
                "- Gateways: %d instances, each offered an equal share of the Poisson load by a generator of its own "
                        + "(streaming, %s lengths). Scrape intervals are modelled too: 100 ms ran as %.0f ms.%n",
                options.gateways(), options.workload().name(), 100 * options.timeScale()));
        md.append(String.format(Locale.ROOT, "- Units: %s.%n", unitsNote(options)));
        md.append(String.format(Locale.ROOT, "- Capacity: %.2f req/s, %s.%n", report.capacity().modelledRps(),
                report.capacity().method()));
        md.append(String.format(Locale.ROOT,
                "- Offered load: %.2f req/s (%.0f%% of capacity) for %s modelled s per row (%s s wall), after a "
                        + "%s s warm-up; seed %d, the same arrivals in every row.%n", report.offeredRps(),
                100 * options.load(), seconds(options.duration()), seconds(options.wall(options.duration())),
                seconds(options.warmup()), options.seed()));
        if (options.rows().equals("policies")) {
            md.append(String.format(Locale.ROOT, "- Policies: %s, each with its defaults, on the %s workload "
                    + "(its own shared contexts, if any).%n", String.join(", ", options.policies()),
                    options.workload().name()));
        } else {
            md.append(String.format(Locale.ROOT,
                    "- Shared prefixes: %d tenants with %d-token system prompts, %d entering through each gateway.%n",
                    options.tenantsPerGateway() * options.gateways(), options.systemPromptTokens(),
                    options.tenantsPerGateway()));
        }
        md.append(String.format(Locale.ROOT, "- Whole run: %.0f s wall.%n%n", report.wallSeconds()));

        md.append("| configuration | routed by | TTFT p50 ms | TTFT p99 ms | TTFT mean ms | E2E p50 ms | E2E p99 ms "
                + "| throughput req/s | output tokens/s | requests | errors |\n");
        md.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (RowResult row : report.rows()) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %.1f | %.1f | %.1f | %.1f | %.1f | %.2f | %.0f | %d | %d |%n",
                    row.name(), row.routedBy(), row.ttft().p50(), row.ttft().p99(), row.ttft().mean(), row.e2e().p50(),
                    row.e2e().p99(), row.throughputRps(), row.outputTokensPerSecond(), row.requests(), row.errors()));
        }

        md.append("\n| comparison | metric | ratio | target | met |\n");
        md.append("|---|---|---:|---|---|\n");
        for (Ratio ratio : report.ratios()) {
            Boolean met = ratio.met();
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s |%n", ratio.name(), ratio.metric(),
                    Double.isNaN(ratio.value()) ? "n/a" : String.format(Locale.ROOT, "%.3f", ratio.value()),
                    ratio.targetText(), met == null ? "" : met ? "yes" : "no"));
        }
        return md.toString();
    }

    private static String seconds(Duration duration) {
        double value = duration.toMillis() / 1000.0;
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
