package io.qgate.bench.study.fleet;

import io.qgate.bench.harness.StudyCli;
import io.qgate.fleet.AutoscaleSetup;
import io.qgate.fleet.Format;
import io.qgate.fleet.ZeroRun;
import io.qgate.fleet.ZeroScenario;
import java.util.List;
import java.util.Locale;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code report.md} and {@code results.json} of the scale-from-zero study. */
record ZeroReport(ZeroScenario.Report report) implements StudyCli.Report {

    @Override
    public String toMarkdown() {
        ZeroScenario.Options options = report.options();
        AutoscaleSetup base = report.runs().get(0).setup().base();
        ZeroRun.Setup zero = report.runs().get(1).setup();
        StringBuilder md = new StringBuilder();
        md.append("# Scale from zero on office hours, in virtual time\n\n");
        md.append(String.format(Locale.ROOT, "- Trace: office hours at %s req/s (weekdays: climbing from 8:30 to "
                        + "9:30, 0.6× over lunch, falling from 17:30 to 18:30; nothing at night and at the weekend), "
                        + "%s days from Monday, run %s times faster than real time: %.1f h simulated. The autoscaler's "
                        + "timings (polling, cooldown, model load) are not compressed, so a night here is %s times "
                        + "shorter than a real one while the cooldown is as long.%n",
                Format.number(options.baseRate()), options.quick() ? "two" : "seven",
                Format.plain(options.compression()), base.trace().durationSeconds() / 3600,
                Format.plain(options.compression())));
        md.append(String.format(Locale.ROOT, "- KEDA: a ScaledObject with `minReplicaCount: 0`, its trigger "
                        + "`max(qgate_pool_demand)` (Prometheus scrapes the gateways every %.0f s) with "
                        + "`activationThreshold: 0`, `pollingInterval: %ds`, `cooldownPeriod: %ds`. Above one replica, "
                        + "the HPA KEDA creates: rate %s + queue %s per replica, deploy/'s behavior, sync every 15 s. "
                        + "**min 1** is the same HPA with one replica always up.%n",
                base.monitoring().scrapeNanos() / 1e9, zero.keda().pollingInterval().toSeconds(),
                zero.keda().cooldownPeriod().toSeconds(), Format.number(ZeroScenario.RATE_TARGET),
                Format.number(ZeroScenario.QUEUE_TARGET)));
        md.append(String.format(Locale.ROOT, "- Pods load their model for %.0f–%.0f s; gateways learn of a change "
                        + "%.0f s later. %d qgate gateways (queue routing); with holding, each keeps up to 1,000 "
                        + "requests for 5 minutes while it knows no ready replica and sends them on, 16 per ready "
                        + "replica at a time (the gateway's defaults; the last row releases up to the engine's max-num-seqs, "
                        + "%d, per replica); without holding, those requests get 503.%n",
                base.fleet().startupMinNanos() / 1e9, base.fleet().startupMaxNanos() / 1e9,
                base.fleet().discoveryDelayNanos() / 1e9, base.gateways(), base.model().maxNumSeqs()));
        md.append(String.format(Locale.ROOT, "- Objective: a minute meets it when the TTFT p99 of the requests "
                        + "arriving in it is under %.0f s (a 503 counts as never answered). **Busy minutes** are "
                        + "those with arrivals; idle minutes meet it trivially. Seed %d, the same arrivals in every "
                        + "run; %.0f s of wall time, %,d events%s.%n%n", base.sloMillis() / 1000, base.seed(),
                report.wallSeconds(), report.events(), options.quick() ? "; **quick run**" : ""));

        ZeroRun.Result minOne = report.runs().get(0);
        md.append("## Cost and objective\n\n");
        md.append("| pool | replica-minutes | against min 1 | busy minutes meeting the objective | all minutes | "
                + "TTFT p50 ms | TTFT p99 ms | requests | 503 | woken | put to zero |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (ZeroRun.Result run : report.runs()) {
            md.append(String.format(Locale.ROOT, "| %s | %.0f | %s | %s of %d | %s | %s | %s | %,d | %,d | %d | %d |%n",
                    run.setup().name(), run.replicaMinutes(),
                    Format.percent(run.replicaMinutes() / minOne.replicaMinutes()), Format.percent(run.busyAttainment()),
                    run.busyMinutes(), Format.percent(run.sloAttainment()), Format.millis(run.overall().p50Ms()),
                    Format.millis(run.overall().p99Ms()), run.requests(), run.failed(), run.wakeUps(), run.sleeps()));
        }
        md.append("\n## The wait of the requests that arrived at zero\n\n");
        md.append("From arrival at a gateway that knew no ready replica until it was sent to one (its time to "
                + "first token is this plus the replica's).\n\n");
        md.append("| pool | requests held | p50 s | p90 s | p99 s | max s |");
        for (int bound : ZeroRun.WAIT_BOUNDS) {
            md.append(" within ").append(bound).append(" s |");
        }
        md.append(" held too long | hold full | refused at zero |\n|---|---:|---:|---:|---:|---:|");
        md.append("---:|".repeat(ZeroRun.WAIT_BOUNDS.size())).append("---:|---:|---:|\n");
        for (ZeroRun.Result run : report.runs()) {
            ZeroRun.Waits held = run.held();
            md.append(String.format(Locale.ROOT, "| %s | %,d | %.1f | %.1f | %.1f | %.1f |", run.setup().name(),
                    held.count(), held.p50(), held.p90(), held.p99(), held.max()));
            for (double share : held.withinShares()) {
                md.append(' ').append(held.count() == 0 ? "—" : Format.percent(share)).append(" |");
            }
            md.append(String.format(Locale.ROOT, " %,d | %,d | %,d |%n", run.timedOut(), run.refusedFull(),
                    run.refusedAtZero()));
        }
        md.append('\n');
        return md.toString();
    }

    @Override
    public String toJson() {
        ZeroScenario.Options options = report.options();
        ObjectNode root = JsonMapper.shared().createObjectNode();
        root.put("study", "autoscale-zero");
        root.put("startedAt", report.startedAt().toString());
        ReportFiles.put(root, "wallSeconds", report.wallSeconds());
        ObjectNode setup = root.putObject("setup");
        setup.put("quick", options.quick());
        setup.put("trace", report.runs().get(0).setup().base().trace().name());
        setup.put("baseRate", options.baseRate());
        setup.put("compression", options.compression());
        setup.put("cooldownSeconds", options.cooldown().toSeconds());
        setup.put("pollingIntervalSeconds", options.pollingInterval().toSeconds());
        setup.put("seed", options.seed());
        ArrayNode runs = root.putArray("runs");
        for (ZeroRun.Result run : report.runs()) {
            ObjectNode node = runs.addObject();
            node.put("pool", run.setup().name());
            node.put("minReplicaCount", run.setup().keda().minReplicaCount());
            node.put("holds", run.setup().holds());
            ReportFiles.put(node, "replicaMinutes", run.replicaMinutes());
            ReportFiles.put(node, "sloAttainment", run.sloAttainment());
            node.put("busyMinutes", run.busyMinutes());
            ReportFiles.put(node, "busyAttainment", run.busyAttainment());
            ReportFiles.put(node, "ttftP50Ms", run.overall().p50Ms());
            ReportFiles.put(node, "ttftP99Ms", run.overall().p99Ms());
            node.put("requests", run.requests());
            node.put("failed", run.failed());
            node.put("wakeUps", run.wakeUps());
            node.put("sleeps", run.sleeps());
            node.put("peakPods", run.peakPods());
            ObjectNode held = node.putObject("heldWait");
            ZeroRun.Waits waits = run.held();
            held.put("count", waits.count());
            ReportFiles.put(held, "p50Seconds", waits.p50());
            ReportFiles.put(held, "p90Seconds", waits.p90());
            ReportFiles.put(held, "p99Seconds", waits.p99());
            ReportFiles.put(held, "maxSeconds", waits.max());
            ObjectNode within = held.putObject("withinShares");
            List<Integer> bounds = ZeroRun.WAIT_BOUNDS;
            for (int i = 0; i < bounds.size(); i++) {
                ReportFiles.put(within, bounds.get(i) + "s", waits.withinShares().get(i));
            }
            node.put("timedOut", run.timedOut());
            node.put("refusedFull", run.refusedFull());
            node.put("refusedAtZero", run.refusedAtZero());
            node.put("events", run.events());
        }
        return JsonMapper.shared().writerWithDefaultPrettyPrinter().writeValueAsString(root);
    }
}
