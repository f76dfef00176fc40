package io.qgate.bench.study.fleet;

import io.qgate.bench.harness.StudyCli;
import io.qgate.fleet.Format;
import io.qgate.fleet.RoutingComparison;
import java.util.Locale;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The files of one {@code fleet-routing --workload …} comparison: {@code results.json}, whose
 * top-level {@code rows} hold one object per policy and offered load (checks read these names),
 * and {@code report.md}.
 */
record FleetCompareReport(RoutingComparison.Result result, String command) implements StudyCli.Report {

    @Override
    public String toJson() {
        JsonMapper mapper = JsonMapper.shared();
        ObjectNode root = mapper.createObjectNode();
        RoutingComparison.Options o = result.options();
        root.put("workload", o.workload());
        root.put("replicas", o.replicas());
        root.put("maxNumSeqs", o.maxNumSeqs());
        root.put("gateways", o.gateways());
        root.put("scrapeIntervalMs", o.scrapeInterval().toMillis());
        root.put("measuredSeconds", o.measureSeconds());
        root.put("seed", o.seed());
        root.put("ttftP99ObjectiveMs", o.objectiveMs());
        ReportFiles.put(root, "replicaCapacityRps", result.replicaCapacity());
        root.put("command", command);
        ArrayNode rows = root.putArray("rows");
        for (RoutingComparison.Row r : result.rows()) {
            rows.add(row(mapper, r));
        }
        ArrayNode best = root.putArray("atObjective");
        for (RoutingComparison.AtObjective a : result.atObjective()) {
            ObjectNode node = best.addObject();
            node.put("policy", a.policy());
            if (a.met() == null) {
                node.putNull("outputTokensPerSecond");
                node.putNull("offeredRps");
            } else {
                ReportFiles.put(node, "outputTokensPerSecond", a.met().outputTokensPerSecond());
                ReportFiles.put(node, "offeredRps", a.met().offeredRps());
                ReportFiles.put(node, "ttftP50Ms", a.met().ttft().p50Ms());
                ReportFiles.put(node, "ttftP99Ms", a.met().ttft().p99Ms());
            }
            if (a.broken() == null) {
                node.putNull("breaksAtRps");
            } else {
                ReportFiles.put(node, "breaksAtRps", a.broken().offeredRps());
            }
        }
        return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    }

    private static ObjectNode row(JsonMapper mapper, RoutingComparison.Row r) {
        ObjectNode node = mapper.createObjectNode();
        node.put("policy", r.policy());
        node.put("workload", r.workload());
        node.put("replicas", r.replicas());
        node.put("gateways", r.gateways());
        ReportFiles.put(node, "load", r.load());
        ReportFiles.put(node, "offeredRps", r.offeredRps());
        ReportFiles.put(node, "ttftP50Ms", r.ttft().p50Ms());
        ReportFiles.put(node, "ttftP99Ms", r.ttft().p99Ms());
        ReportFiles.put(node, "ttftMeanMs", r.ttft().meanMs());
        ReportFiles.put(node, "outputTokensPerSecond", r.outputTokensPerSecond());
        node.put("requests", r.ttft().requests());
        node.put("preemptions", r.preemptions());
        ReportFiles.put(node, "prefixHitRate", r.prefixHitRate());
        node.put("failed", r.failed());
        return node;
    }

    @Override
    public String toMarkdown() {
        RoutingComparison.Options o = result.options();
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "# Routing policies on the %s workload, in virtual time%n%n", o.workload()));
        md.append(String.format(Locale.ROOT, "%d replicas (the simulator's default engine with max-num-seqs %d; "
                        + "saturated without cache hits one finishes %.2f requests/s), %d gateway(s) scraping every %d ms, "
                        + "%.0f s measured per step, seed %d. Load rises by steps until TTFT p99 breaks %.0f ms.%n%n`%s`%n%n",
                o.replicas(), o.maxNumSeqs(), result.replicaCapacity(), o.gateways(), o.scrapeInterval().toMillis(), o.measureSeconds(), o.seed(),
                o.objectiveMs(), command));
        md.append(String.format(Locale.ROOT, "## At the objective (TTFT p99 <= %.0f ms)%n%n", o.objectiveMs()));
        md.append("| policy | output tokens/s | offered req/s | TTFT p50 ms | TTFT p99 ms | breaks at req/s |\n");
        md.append("|---|---:|---:|---:|---:|---:|\n");
        for (RoutingComparison.AtObjective a : result.atObjective()) {
            RoutingComparison.Row m = a.met();
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s |%n", a.policy(),
                    m == null ? "-" : String.format(Locale.ROOT, "%,.0f", m.outputTokensPerSecond()),
                    m == null ? "-" : String.format(Locale.ROOT, "%.1f", m.offeredRps()),
                    m == null ? "-" : Format.millis(m.ttft().p50Ms()), m == null ? "-" : Format.millis(m.ttft().p99Ms()),
                    a.broken() == null ? "-" : String.format(Locale.ROOT, "%.1f", a.broken().offeredRps())));
        }
        md.append("\n## Every step\n\n| policy | load | req/s | TTFT p50 ms | TTFT p99 ms | output tokens/s | prefix hits "
                + "| preemptions |\n|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (RoutingComparison.Row r : result.rows()) {
            md.append(String.format(Locale.ROOT, "| %s | %.2f | %.1f | %s | %s | %,.0f | %.0f%% | %d |%n", r.policy(),
                    r.load(), r.offeredRps(), Format.millis(r.ttft().p50Ms()), Format.millis(r.ttft().p99Ms()),
                    r.outputTokensPerSecond(), 100 * r.prefixHitRate(), r.preemptions()));
        }
        return md.toString();
    }
}
