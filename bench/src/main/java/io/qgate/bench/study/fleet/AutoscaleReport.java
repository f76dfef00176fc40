package io.qgate.bench.study.fleet;

import io.qgate.bench.harness.Charts;
import io.qgate.bench.harness.StudyCli;
import io.qgate.fleet.AutoscaleOptions;
import io.qgate.fleet.AutoscaleRun;
import io.qgate.fleet.AutoscaleScenario;
import io.qgate.fleet.AutoscaleSetup;
import io.qgate.fleet.EngineModel;
import io.qgate.fleet.Format;
import io.qgate.fleet.GpuBusy;
import io.qgate.fleet.ScalingSignal;
import io.qgate.fleet.Trace;
import io.qgate.fleet.TtftLog;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code report.md}, {@code results.json} and one plot per trace, from an autoscaling study. */
final class AutoscaleReport {

    static final String MARKDOWN_FILE = StudyCli.MARKDOWN_FILE;
    static final String JSON_FILE = StudyCli.JSON_FILE;

    private AutoscaleReport() {}

    /** Writes the three kinds of output into {@code dir}; returns the plots written. */
    static List<Path> write(AutoscaleScenario.Report report, Path dir) {
        return ReportFiles.write(dir, MARKDOWN_FILE, JSON_FILE, d -> plots(report, d), p -> markdown(report, p),
                () -> json(report));
    }

    static String markdown(AutoscaleScenario.Report report, List<Path> plots) {
        AutoscaleOptions options = report.options();
        StringBuilder md = new StringBuilder();
        md.append("# Autoscaling LiteLLM + vLLM on qgate's signals, in virtual time\n\n");
        AutoscaleSetup setup = report.runs().get(0).setup();
        EngineModel model = setup.model();
        md.append(String.format(Locale.ROOT, "- Replicas: the simulator's default engine (max-num-seqs %d, prefill "
                        + "%s ms + %s ms/token, %s ms per output token alone, x%s for a full batch, KV cache %,d tokens, "
                        + "LiteLLM hop %s ms each way); ShareGPT-like requests (lognormal, mean ~230 prompt and ~220 output "
                        + "tokens). Saturated, one replica finishes **%.1f requests/s**.%n", model.maxNumSeqs(),
                Format.plain(model.prefillOverheadMs()), Format.plain(model.prefillMsPerToken()),
                Format.plain(model.tpotMs()), Format.plain(model.loadFactorAtMax()), model.kvCapacityTokens(),
                Format.plain(model.proxyOverheadMs()), report.replicaCapacity()));
        md.append(String.format(Locale.ROOT, "- Pods: start-up (scheduling and model load) uniform in %.0f–%.0f s, "
                        + "then ready; gateways learn of every change %.0f s later; a deleted pod drains what its engine "
                        + "holds. Cost counts every pod, loading and draining ones too.%n",
                setup.fleet().startupMinNanos() / 1e9, setup.fleet().startupMaxNanos() / 1e9,
                setup.fleet().discoveryDelayNanos() / 1e9));
        md.append(String.format(Locale.ROOT, "- Gateways: %d qgate gateways, the production router (strategy "
                + "`queue`, default settings) scraping every engine every %d ms; each request lands on one of them "
                + "at random.%n", setup.gateways(), setup.scrapeInterval().toMillis()));
        md.append(String.format(Locale.ROOT, "- HPA: autoscaling/v2, %d–%d replicas, sync every 15 s, tolerance "
                        + "0.1, default behavior (scale-up: no window, max of 4 pods and 100%% per 15 s; scale-down: "
                        + "300 s window, 100%% per 15 s). Runs start with enough ready pods for the trace's first rate "
                        + "at %.0f req/s each.%n", setup.minReplicas(), setup.maxReplicas(),
                AutoscaleScenario.INITIAL_RATE_PER_REPLICA));
        md.append(String.format(Locale.ROOT, "- Signals: **rate** = `sum(rate(qgate_requests_received_total[1m]))` "
                        + "(Prometheus scrapes the gateways every %.0f s), External, AverageValue; **queue** = "
                        + "`max(qgate_pool_queue_length)`, External, AverageValue; **in flight** = "
                        + "`sum(qgate_inflight_requests)`, External, AverageValue; **CPU** = LiteLLM's CPU, modelled as "
                        + "%.0fm + %s ms per request + %s ms per relayed token of a %dm request, sampled by "
                        + "metrics-server every %.0f s, with the HPA's handling of pods that are not yet ready; "
                        + "**GPU** = `DCGM_FI_DEV_GPU_UTIL`, the share of each scrape interval during which the pod's "
                        + "engine ran at least one sequence, Pods metric, AverageValue; **LiteLLM memory** = LiteLLM's "
                        + "working set, modelled as %s MiB + %s MiB per request in the pod, with metrics-server's CPU "
                        + "sample; **GPU memory** = `DCGM_FI_DEV_FB_USED`, %s%% of a %,.0f MiB GPU reserved by vLLM at "
                        + "start, Pods metric, AverageValue; "
                        + "**rate+queue** = both metrics in one HPA (the larger recommendation wins).%n",
                setup.monitoring().scrapeNanos() / 1e9, setup.cpu().baselineMilli(),
                Format.plain(setup.cpu().perRequestMillis()), Format.plain(setup.cpu().perTokenMillis()),
                setup.cpu().requestMilli(), setup.monitoring().resolutionNanos() / 1e9,
                Format.plain(setup.memory().litellmBaselineMiB()), Format.plain(setup.memory().litellmPerOpenRequestMiB()),
                Format.plain(100 * setup.memory().gpuReservedShare()), setup.memory().gpuFramebufferMiB()));
        md.append(String.format(Locale.ROOT, "- Objective: a minute meets it when the TTFT p99 of the requests "
                + "arriving in it is under %.0f s (a request that never got a first token counts as infinitely "
                + "late). **SLO** is the share of the trace's minutes that met it; **replica-minutes** the cost; "
                + "**recovery** the time from a jump in load to the end of the last minute that missed the "
                + "objective before the next jump.%n", setup.sloMillis() / 1000));
        md.append(String.format(Locale.ROOT, "- Traces (base %s req/s): %s. Seed %d; every run sees the same "
                        + "arrivals for its trace.%n", Format.number(options.baseRate()), traceList(report),
                options.seed()));
        md.append(String.format(Locale.ROOT, "- Wall time: %.0f s for %d runs (%,d events, %,.0f events/s of "
                        + "simulation)%s.%n%n", report.wallSeconds(), report.runs().size(), report.events(),
                report.events() / Math.max(1e-9, report.runWallSeconds()), options.quick() ? "; **quick run**" : ""));

        if (!report.steady().isEmpty()) {
            md.append("## What one replica serves within the objective\n\n");
            md.append("Eight replicas behind three gateways at a constant Poisson load, 8 minutes after a 2-minute "
                    + "warm-up:\n\n");
            md.append("| requests/s per replica | share of saturation | TTFT p50 ms | TTFT p99 ms |\n|---:|---:|---:|---:|\n");
            for (AutoscaleScenario.SteadyPoint point : report.steady()) {
                md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s |%n", Format.number(point.perReplicaRps()),
                        Format.percent(point.perReplicaRps() / report.replicaCapacity()),
                        Format.millis(point.ttft().p50Ms()), Format.millis(point.ttft().p99Ms())));
            }
            md.append('\n');
        }

        if (!report.gpuBusy().isEmpty()) {
            md.append("## GPU utilization against load\n\n");
            md.append("One replica, Poisson arrivals at a fixed share of its capacity, 10 minutes after 10 of warm-up. "
                    + "vLLM runs a forward pass whenever any sequence runs, so DCGM's utilization (the busy share) "
                    + "reads near 100% while the batch is still nearly empty:\n\n");
            md.append("| requests/s | share of capacity | GPU busy (DCGM_FI_DEV_GPU_UTIL) | sequences running | batch full |\n"
                    + "|---:|---:|---:|---:|---:|\n");
            for (GpuBusy.Reading reading : report.gpuBusy()) {
                md.append(String.format(Locale.ROOT, "| %.1f | %s | %s | %.1f | %s |%n", reading.requestsPerSecond(),
                        Format.percent(reading.requestsPerSecond() / report.replicaCapacity()),
                        Format.percent(reading.busyShare()), reading.meanRunning(),
                        Format.percent(reading.runningShare())));
            }
            md.append('\n');
        }

        md.append("## Recommended HPA targets\n\n");
        String rateRun = "`autoscale` sweep, rate targets " + list(AutoscaleScenario.RATE_TARGETS)
                + " on the ramp and diurnal traces";
        String queueRun = "`autoscale` sweep, rate " + Format.number(report.recommendedRate()) + " + queue targets "
                + list(AutoscaleScenario.COMBINED_QUEUE_TARGETS) + " on every trace, deploy/'s behavior";
        if (options.quick()) {
            md.append("A quick run does not sweep targets; the figures below are its fixed choices, not "
                    + "recommendations.\n\n");
            rateRun = "quick run (fixed)";
            queueRun = "quick run (fixed)";
        }
        md.append("| metric | target (AverageValue) | chosen by | produced by |\n|---|---:|---|---|\n");
        md.append(String.format(Locale.ROOT, "| `sum(rate(qgate_requests_received_total[1m]))` | **%s** requests/s "
                        + "per replica | the cheapest target with the objective met in >= 99%% of the minutes of the "
                        + "smooth traces | %s |%n", Format.number(report.recommendedRate()), rateRun));
        md.append(String.format(Locale.ROOT, "| `max(qgate_pool_queue_length)` (with the rate, in the same HPA) | "
                        + "**%s** waiting requests per replica | with deploy/'s behavior, the cheapest of the targets "
                        + "within half a point of the best mean attainment over all traces | %s |%n%n",
                Format.number(report.recommendedQueue()), queueRun));

        md.append("## The signals compared, each at its chosen target\n\n");
        md.append("| trace | signal | SLO | replica-minutes | mean ready | peak pods | recovery | TTFT p99 ms (all) |\n");
        md.append("|---|---|---:|---:|---:|---:|---|---:|\n");
        for (String trace : report.traceNames()) {
            for (Map.Entry<String, ScalingSignal> chosen : report.chosen().entrySet()) {
                AutoscaleRun.Result run = report.run(trace, chosen.getValue());
                md.append(row(trace, run));
            }
        }
        md.append('\n');

        List<ScalingSignal> deployed = report.deploySignals();
        if (!deployed.isEmpty()) {
            md.append("## The rate target, alone and with each queue target, with deploy/'s behavior\n\n");
            md.append("`deploy/base/litellm-hpa.yaml` scales up after a 60 s window by at most 2 pods or 100% per 2 "
                    + "minutes, and down after a 10-minute window by one pod per 5 minutes. The same signals with the "
                    + "HPA's default behavior and with that one (replica bounds kept at "
                    + setup.minReplicas() + "–" + setup.maxReplicas() + " here; deploy/ caps at its own maximum):\n\n");
            md.append("| trace | signal | behavior | SLO | replica-minutes | mean ready | peak pods | recovery | TTFT p99 ms (all) |\n");
            md.append("|---|---|---|---:|---:|---:|---:|---|---:|\n");
            for (String trace : report.traceNames()) {
                for (ScalingSignal signal : deployed) {
                    for (String behavior : List.of(AutoscaleSetup.DEFAULT_BEHAVIOR, AutoscaleSetup.DEPLOY_BEHAVIOR)) {
                        AutoscaleRun.Result run = find(report, trace, signal, behavior);
                        if (run != null) {
                            md.append(row(trace, run, true));
                        }
                    }
                }
            }
            md.append('\n');
        }

        if (!options.quick()) {
            md.append("## Every run\n\n");
            md.append("| trace | signal | SLO | replica-minutes | mean ready | peak pods | recovery | TTFT p99 ms (all) |\n");
            md.append("|---|---|---:|---:|---:|---:|---|---:|\n");
            for (AutoscaleRun.Result run : report.runs()) {
                if (run.setup().behavior().equals(AutoscaleSetup.DEFAULT_BEHAVIOR)) {
                    md.append(row(run.setup().trace().name(), run));
                }
            }
            md.append('\n');
        }

        md.append("## Plots\n\n");
        for (Path plot : plots) {
            md.append("![").append(plot.getFileName()).append("](").append(plot.getFileName()).append(")\n\n");
        }
        return md.toString();
    }

    private static String row(String trace, AutoscaleRun.Result run) {
        return row(trace, run, false);
    }

    private static String row(String trace, AutoscaleRun.Result run, boolean behavior) {
        return String.format(Locale.ROOT, "| %s | %s |%s %s | %.0f | %.1f | %d | %s | %s |%n", trace,
                run.setup().signal().label(), behavior ? " " + run.setup().behavior() + " |" : "",
                Format.percent(run.sloAttainment()), run.replicaMinutes(), run.meanReady(), run.peakPods(),
                Format.recovery(run), Format.millis(run.overall().p99Ms()));
    }

    private static AutoscaleRun.Result find(AutoscaleScenario.Report report, String trace, ScalingSignal signal,
                                            String behavior) {
        return report.runs().stream().filter(r -> r.setup().trace().name().equals(trace)
                && r.setup().signal().equals(signal) && r.setup().behavior().equals(behavior)).findFirst().orElse(null);
    }

    private static String traceList(AutoscaleScenario.Report report) {
        List<String> parts = new ArrayList<>();
        for (String name : report.traceNames()) {
            Trace trace = report.runs().stream().filter(r -> r.setup().trace().name().equals(name)).findFirst()
                    .orElseThrow().setup().trace();
            parts.add(String.format(Locale.ROOT, "%s (%.0f min, %s–%s req/s)", name, trace.durationSeconds() / 60,
                    Format.number(minRate(trace)), Format.number(trace.maxRate())));
        }
        return String.join("; ", parts);
    }

    private static double minRate(Trace trace) {
        double min = Double.MAX_VALUE;
        for (double t = 0; t <= trace.durationSeconds(); t += 1) {
            min = Math.min(min, trace.rate(t));
        }
        return Math.round(min * 10) / 10.0;
    }

    private static String list(List<Double> values) {
        List<String> parts = new ArrayList<>();
        for (double value : values) {
            parts.add(Format.number(value));
        }
        return String.join(", ", parts);
    }

    private static List<Path> plots(AutoscaleScenario.Report report, Path dir) {
        List<Path> files = new ArrayList<>();
        for (String trace : report.traceNames()) {
            List<Charts.Line> replicas = new ArrayList<>();
            List<Charts.Line> p99 = new ArrayList<>();
            AutoscaleRun.Result any = null;
            for (ScalingSignal signal : report.chosen().values()) {
                AutoscaleRun.Result run = report.run(trace, signal);
                any = run;
                List<AutoscaleRun.Point> timeline = run.timeline();
                double[] x = new double[timeline.size()];
                double[] y = new double[timeline.size()];
                for (int i = 0; i < x.length; i++) {
                    x[i] = timeline.get(i).seconds() / 60;
                    y[i] = timeline.get(i).ready();
                }
                replicas.add(new Charts.Line(signal.label(), x, y));
                double[] mx = new double[run.minutes().size()];
                double[] my = new double[run.minutes().size()];
                for (int m = 0; m < mx.length; m++) {
                    mx[m] = m + 0.5;
                    my[m] = run.minutes().get(m).requests() == 0 ? Double.NaN : run.minutes().get(m).p99Ms();
                }
                p99.add(new Charts.Line(signal.label(), mx, my));
            }
            Trace shape = any.setup().trace();
            double[] x = new double[(int) (shape.durationSeconds() / 15) + 1];
            double[] y = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                x[i] = i * 15 / 60.0;
                y[i] = shape.rate(i * 15) / report.recommendedRate();
            }
            replicas.add(new Charts.Line("offered load ÷ " + Format.number(report.recommendedRate()) + " req/s", x, y,
                    Charts.Style.REFERENCE));
            Path file = dir.resolve("autoscale-" + trace + ".png");
            Charts.autoscale(file, "Trace " + trace + ": ready replicas and TTFT p99 per minute", replicas, p99,
                    any.setup().sloMillis(), 1_000_000);
            files.add(file);
        }
        return files;
    }

    static String json(AutoscaleScenario.Report report) {
        JsonMapper json = JsonMapper.shared();
        ObjectNode root = json.createObjectNode();
        AutoscaleOptions options = report.options();
        root.put("scenario", "autoscale");
        root.put("startedAt", report.startedAt().toString());
        root.put("wallSeconds", ReportFiles.round(report.wallSeconds()));
        root.put("events", report.events());
        root.put("eventsPerSecond", Math.round(report.events() / Math.max(1e-9, report.runWallSeconds())));
        ObjectNode setup = root.putObject("setup");
        setup.put("quick", options.quick());
        setup.put("baseRate", options.baseRate());
        setup.put("seed", options.seed());
        AutoscaleSetup first = report.runs().get(0).setup();
        setup.put("gateways", first.gateways());
        setup.put("scrapeIntervalMs", first.scrapeInterval().toMillis());
        setup.put("minReplicas", first.minReplicas());
        setup.put("maxReplicas", first.maxReplicas());
        setup.put("startupSeconds", first.fleet().startupMinNanos() / 1e9 + "-" + first.fleet().startupMaxNanos() / 1e9);
        setup.put("discoveryDelaySeconds", first.fleet().discoveryDelayNanos() / 1e9);
        setup.put("sloTtftP99Ms", first.sloMillis());
        setup.put("maxNumSeqs", first.model().maxNumSeqs());
        setup.put("replicaCapacityRps", ReportFiles.round(report.replicaCapacity()));
        ArrayNode gpuBusy = root.putArray("gpuBusy");
        for (GpuBusy.Reading reading : report.gpuBusy()) {
            ObjectNode node = gpuBusy.addObject();
            node.put("requestsPerSecond", ReportFiles.round(reading.requestsPerSecond()));
            node.put("busyShare", ReportFiles.round(reading.busyShare()));
            node.put("meanRunning", ReportFiles.round(reading.meanRunning()));
            node.put("runningShare", ReportFiles.round(reading.runningShare()));
        }
        ArrayNode steady = root.putArray("steady");
        for (AutoscaleScenario.SteadyPoint point : report.steady()) {
            ObjectNode node = steady.addObject();
            node.put("perReplicaRps", point.perReplicaRps());
            putStats(node.putObject("ttftMs"), point.ttft());
        }
        ObjectNode recommended = root.putObject("recommended");
        recommended.put("ratePerReplica", report.recommendedRate());
        recommended.put("queuePerReplica", report.recommendedQueue());
        recommended.put("fromSweep", !options.quick());
        ObjectNode chosen = root.putObject("chosen");
        for (Map.Entry<String, ScalingSignal> entry : report.chosen().entrySet()) {
            chosen.put(entry.getKey(), entry.getValue().label());
        }
        ArrayNode fields = root.putArray("timelineFields");
        for (String field : List.of("t", "offeredRps", "desired", "ready", "pods", "recommended", "rateMetric",
                "queueMetric", "cpuPercent", "gpuPercent", "memoryMiB")) {
            fields.add(field);
        }
        ArrayNode runs = root.putArray("runs");
        for (AutoscaleRun.Result run : report.runs()) {
            ObjectNode node = runs.addObject();
            ScalingSignal signal = run.setup().signal();
            node.put("trace", run.setup().trace().name());
            node.put("signal", signal.kind());
            node.put("label", signal.label());
            node.put("behavior", run.setup().behavior());
            node.put("cpuPercent", signal.cpuPercent());
            node.put("ratePerReplica", signal.ratePerReplica());
            node.put("queuePerReplica", signal.queuePerReplica());
            node.put("inflightPerReplica", signal.inflightPerReplica());
            node.put("gpuPercentPerReplica", signal.gpuPercentPerReplica());
            node.put("memoryMiBPerReplica", signal.memoryMiBPerReplica());
            node.put("gpuMemoryMiBPerReplica", signal.gpuMemoryMiBPerReplica());
            boolean chosenRun = report.chosen().containsValue(signal)
                    && run.setup().behavior().equals(AutoscaleSetup.DEFAULT_BEHAVIOR);
            node.put("chosen", chosenRun);
            node.put("sloAttainment", ReportFiles.round(run.sloAttainment()));
            node.put("replicaMinutes", ReportFiles.round(run.replicaMinutes()));
            node.put("meanReady", ReportFiles.round(run.meanReady()));
            node.put("peakPods", run.peakPods());
            ArrayNode recovery = node.putArray("recoverySeconds");
            run.recoverySeconds().forEach(recovery::add);
            putStats(node.putObject("ttftMs"), run.overall());
            node.put("requests", run.requests());
            node.put("noReplica", run.failed());
            node.put("events", run.events());
            node.put("wallSeconds", ReportFiles.round(run.wallSeconds()));
            ArrayNode minutes = node.putArray("p99MsPerMinute");
            for (TtftLog.Stats minute : run.minutes()) {
                ReportFiles.add(minutes, minute.p99Ms());
            }
            if (chosenRun) {
                // One row per HPA sync, fields as named in timelineFields: a row of objects would triple the file.
                ArrayNode timeline = node.putArray("timeline");
                for (AutoscaleRun.Point point : run.timeline()) {
                    ArrayNode row = timeline.addArray();
                    row.add(ReportFiles.round(point.seconds()));
                    row.add(ReportFiles.round(point.offeredRps()));
                    row.add(point.desired());
                    row.add(point.ready());
                    row.add(point.pods());
                    row.add(point.recommended());
                    ReportFiles.add(row, point.rateMetric());
                    row.add(ReportFiles.round(point.queueMetric()));
                    row.add(ReportFiles.round(point.cpuPercent()));
                    row.add(ReportFiles.round(point.gpuPercent()));
                    row.add(ReportFiles.round(point.memoryMiB()));
                }
            }
        }
        return json.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    }

    private static void putStats(ObjectNode node, TtftLog.Stats stats) {
        node.put("requests", stats.requests());
        node.put("answered", stats.answered());
        ReportFiles.put(node, "p50", stats.p50Ms());
        ReportFiles.put(node, "p99", stats.p99Ms());
        ReportFiles.put(node, "mean", stats.meanMs());
    }

}
