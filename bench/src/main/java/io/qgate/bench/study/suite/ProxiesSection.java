package io.qgate.bench.study.suite;

import io.qgate.bench.harness.Charts;
import io.qgate.bench.harness.Md;
import io.qgate.bench.study.proxies.LoadRun;
import io.qgate.bench.study.proxies.ProxiesResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The proxy-overhead part of the report. */
final class ProxiesSection {

    /** qgate's maximum throughput at least this fraction of each peer's. */
    static final double THROUGHPUT_TARGET = 0.9;
    /** What qgate may add to the direct p99 at half the slowest proxy's maximum, ms. */
    static final double ADDED_P99_TARGET_MS = 1.0;

    private ProxiesSection() {}

    static List<Headline> headline(ProxiesResult result) {
        List<Headline> lines = new ArrayList<>();
        for (ProxiesResult.Mode mode : result.modes()) {
            String load = Md.f("%.2f", mode.loadAverageBefore());
            ProxiesResult.Workload small = workload(mode, false);
            if (small == null) {
                continue;
            }
            ProxiesResult.Workload stream = workload(mode, true);
            for (String peer : List.of("nginx", "haproxy")) {
                throughputLine(small, peer, mode, load, true).ifPresent(lines::add);
                if (stream != null) {
                    throughputLine(stream, peer, mode, load, false).ifPresent(lines::add);
                }
            }
            // The target is at half the slowest maximum; a run without that rate shows its highest as context.
            Optional<Double> half = fraction(small, 0.5);
            Optional<Double> rate = half.isPresent() ? half
                    : small.rates().stream().map(LoadRun::offered).max(Double::compare);
            // Lower rates come first, as context: where the added latency starts to grow.
            small.rates().stream().map(LoadRun::offered).distinct().sorted()
                    .filter(r -> rate.isEmpty() || r < rate.get())
                    .forEach(r -> addedLine(small, r, mode, load, false).ifPresent(lines::add));
            rate.flatMap(r -> addedLine(small, r, mode, load, half.isPresent())).ifPresent(lines::add);
        }
        return lines;
    }

    /**
     * qgate's added p99 at half the slowest proxy's maximum. A run in which the load generator failed
     * requests (it could not offer the rate, direct or through qgate) measures the generator, not
     * the proxy: the line then says so, and the target counts as not shown.
     */
    private static Optional<Headline> addedLine(ProxiesResult.Workload small, double rate, ProxiesResult.Mode mode,
                                                String load, boolean judged) {
        Optional<LoadRun> qgate = rate(small, "qgate", rate);
        Optional<LoadRun> direct = rate(small, "direct", rate);
        if (qgate.isEmpty() || direct.isEmpty()) {
            return Optional.empty();
        }
        String what = Md.f("qgate's added p99 at %s req/s (%s of the slowest proxy's maximum), small requests, %s "
                + "cores", Md.rps(rate), Md.percent(rate / small.referenceRps()), mode.name());
        String target = judged ? "≤ 1 ms" : "";
        double added = qgate.get().e2eP99() - direct.get().e2eP99();
        if (direct.get().errors() > 0) {
            return Optional.of(new Headline(what, Md.f("not measurable: the load generator could not offer the rate "
                            + "even straight to the stub (%,d failed requests direct, %,d through qgate; p99 %s ms "
                            + "direct, %s ms through qgate)", direct.get().errors(), qgate.get().errors(),
                    Md.ms(direct.get().e2eP99()), Md.ms(qgate.get().e2eP99())), target, judged ? false : null, load));
        }
        if (qgate.get().errors() > 0) {
            return Optional.of(new Headline(what, Md.f("%.3f ms, and %,d requests failed: answers through qgate came "
                            + "back so slowly that the load generator ran out of connections (none failed direct)",
                    added, qgate.get().errors()), target, judged ? false : null, load));
        }
        return Optional.of(new Headline(what, Md.f("%.3f ms (nginx %s, HAProxy %s)", added,
                addedText(small, "nginx", rate), addedText(small, "haproxy", rate)), target,
                judged ? added <= ADDED_P99_TARGET_MS : null, load));
    }

    /** qgate's maximum against a peer's; judged against the target for small requests, context for streams. */
    private static Optional<Headline> throughputLine(ProxiesResult.Workload workload, String peer,
                                                     ProxiesResult.Mode mode, String load, boolean judged) {
        Optional<LoadRun> qgate = max(workload, "qgate");
        Optional<LoadRun> other = max(workload, peer);
        if (qgate.isEmpty() || other.isEmpty()) {
            return Optional.empty();
        }
        double ratio = qgate.get().throughputRps() / other.get().throughputRps();
        String unit = workload.stream() ? "streams/s" : "req/s";
        return Optional.of(new Headline(Md.f("qgate / %s maximum throughput, %s, %s cores", peer,
                workload.stream() ? "SSE streams" : "small requests", mode.name()),
                Md.f("%s (%s vs %s %s)", Md.ratio(ratio), Md.rps(qgate.get().throughputRps()),
                        Md.rps(other.get().throughputRps()), unit),
                judged ? "≥ " + THROUGHPUT_TARGET + "×" : "", judged ? ratio >= THROUGHPUT_TARGET : null, load));
    }

    static String markdown(ProxiesResult result, Path dir) {
        StringBuilder md = new StringBuilder("## 1. Proxy overhead\n\n");
        md.append(Md.f("A replica stub (fixed answers, no modelled latency: `qgate-bench.jar stub`, two listeners) "
                        + "reached directly and through each proxy. nginx: `least_conn`, HTTP/1.1 keep-alive upstream, "
                        + "buffering off; HAProxy: `leastconn`, `http-reuse always`; qgate: default settings (queue "
                        + "routing, scraping the stub every 100 ms). Maximum throughput: %s, closed loop. Fixed rates: "
                        + "%s; the rates are fractions of the slowest proxy's maximum, so that every proxy can carry "
                        + "them, and \"added p99\" is the target's p99 minus the direct p99 at the same rate. "
                        + "Streams: SSE, %s content events each, every event written and flushed on its own by the "
                        + "stub. %d cores. Versions: %s.%n%n", result.maxTool(), result.rateTool(),
                result.modes().isEmpty() || result.modes().get(0).workloads().size() < 2 ? "200"
                        : result.modes().get(0).workloads().get(1).events(), result.cores(),
                String.join("; ", result.versions().entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                        .toList())));
        md.append("Why two load tools: wrk costs far less CPU per request than a JVM generator, and on a shared core "
                + "what the load tool does not use the proxy and the stub can, so it measures the proxies' maximum "
                + "more truly; but wrk has no open loop and its percentiles omit the requests a stalled connection "
                + "did not send, so latency at a fixed rate comes from the project's generator, which schedules "
                + "Poisson arrivals and counts from each request's intended start (and reports time to first token "
                + "for streams).\n\n");
        for (ProxiesResult.Mode mode : result.modes()) {
            md.append(Md.f("### %s cores%n%n%s. Load average (1 min) %.2f at the start, %.2f at the end.%n%n",
                    Md.capitalized(mode.name()), Md.capitalized(mode.description()), mode.loadAverageBefore(),
                    mode.loadAverageAfter()));
            for (ProxiesResult.Workload workload : mode.workloads()) {
                md.append(workloadMarkdown(workload));
            }
        }
        for (boolean stream : new boolean[] {false, true}) {
            Map<String, Map<String, Double>> bars = new LinkedHashMap<>();
            for (ProxiesResult.Mode mode : result.modes()) {
                ProxiesResult.Workload workload = workload(mode, stream);
                if (workload != null) {
                    Map<String, Double> byTarget = new LinkedHashMap<>();
                    workload.max().forEach(run -> byTarget.put(run.target(), run.throughputRps()));
                    bars.put(mode.name() + " cores", byTarget);
                }
            }
            if (!bars.isEmpty()) {
                String name = "proxies-max-" + (stream ? "stream" : "small") + ".png";
                Charts.bars(dir.resolve(name), stream ? "Maximum throughput, SSE streams" : "Maximum throughput, "
                        + "small requests", "target", stream ? "streams / s" : "requests / s", bars);
                md.append(Md.f("![%s](%s)%n%n", name, name));
            }
        }
        return md.toString();
    }

    /**
     * The proxy's CPU time per request (or stream), all its threads together: what sets its
     * maximum once it has a core to itself, and what it takes from the load and the replicas when
     * it shares them.
     */
    private static String cpuPerRequest(LoadRun run) {
        if (run.throughputRps() <= 0) {
            return "–";
        }
        return Md.f("%.1f", run.proxyCpuPercent() / 100.0 / run.throughputRps() * 1e6);
    }

    private static String workloadMarkdown(ProxiesResult.Workload workload) {
        StringBuilder md = new StringBuilder();
        md.append(Md.f("**%s** — maximum throughput, %d connections:%n%n", workload.stream()
                ? "SSE streams of " + workload.events() + " events" : "Small chat completions", workload.connections()));
        double direct = max(workload, "direct").map(LoadRun::throughputRps).orElse(Double.NaN);
        List<List<String>> rows = new ArrayList<>();
        for (LoadRun run : workload.max()) {
            boolean proxy = !run.target().equals("direct");
            rows.add(List.of(run.target(), Md.rps(run.throughputRps()), Md.ratio(run.throughputRps() / direct),
                    Md.ms(run.e2eP50()), Md.ms(run.e2eP99()), proxy ? Md.f("%.0f%%", run.proxyCpuPercent()) : "–",
                    proxy ? cpuPerRequest(run) : "–", Md.f("%.0f%%", run.stubCpuPercent()),
                    Md.f("%.0f%%", run.otherCpuPercent()), Long.toString(run.errors())));
        }
        md.append(Md.table(List.of("target", workload.stream() ? "streams/s" : "req/s", "of direct",
                "p50 ms", "p99 ms", "proxy CPU", workload.stream() ? "proxy µs/stream" : "proxy µs/req", "stub CPU",
                "others' CPU", "errors"), "lrrrrrrrrr", rows));
        Optional<LoadRun> qgate = max(workload, "qgate");
        if (qgate.isPresent()) {
            List<String> ratios = new ArrayList<>();
            for (String peer : List.of("nginx", "haproxy")) {
                max(workload, peer).ifPresent(run -> ratios.add(Md.f("qgate/%s %s", peer,
                        Md.ratio(qgate.get().throughputRps() / run.throughputRps()))));
            }
            if (!ratios.isEmpty()) {
                md.append("Ratios: ").append(String.join(", ", ratios)).append(". CPU is of one core (100% = a whole "
                        + "core), over the run; \"others'\" is what processes this benchmark did not start used "
                        + "meanwhile (other work on the machine, competing with the measured processes). A proxy well "
                        + "below 100% of its core in pinned mode was held back by the other core (load and stub), "
                        + "not by itself.\n\n");
            }
        }
        md.append(Md.f("At fixed rates (open loop; latencies in ms; added = minus direct at the same rate). Failed "
                + "requests here are the load generator's own (`client_saturated`: it ran out of its 4,096 "
                + "connections because answers came back too slowly); a row with any measures the generator and its "
                + "core more than the proxy:%n%n"));
        List<List<String>> rateRows = new ArrayList<>();
        for (LoadRun run : workload.rates()) {
            Optional<Double> added = added(workload, run.target(), run.offered());
            rateRows.add(List.of(Md.rps(run.offered()), run.target(), Md.ms(run.ttftP50()), Md.ms(run.ttftP99()),
                    Md.ms(run.e2eP50()), Md.ms(run.e2eP99()), run.target().equals("direct") ? "–"
                            : added.map(value -> Md.f("%+.3f", value)).orElse("n/a"), Long.toString(run.errors()),
                    Md.f("%.0f%%", run.otherCpuPercent())));
        }
        md.append(Md.table(List.of(workload.stream() ? "streams/s" : "req/s", "target",
                workload.stream() ? "TTFT p50" : "TTFB p50", workload.stream() ? "TTFT p99" : "TTFB p99", "E2E p50",
                "E2E p99", "added E2E p99", "errors", "others' CPU"), "rlrrrrrrr", rateRows));
        return md.toString();
    }

    static ProxiesResult.Workload workload(ProxiesResult.Mode mode, boolean stream) {
        return mode.workloads().stream().filter(w -> w.stream() == stream).findFirst().orElse(null);
    }

    private static Optional<LoadRun> max(ProxiesResult.Workload workload, String target) {
        return workload.max().stream().filter(run -> run.target().equals(target)).findFirst();
    }

    /** The fixed rate nearest to {@code fraction} of the reference. */
    private static Optional<Double> fraction(ProxiesResult.Workload workload, double fraction) {
        double wanted = workload.referenceRps() * fraction;
        return workload.rates().stream().map(LoadRun::offered).distinct()
                .filter(rate -> Math.abs(rate - wanted) <= Math.max(1, wanted * 0.01)).findFirst();
    }

    private static Optional<Double> added(ProxiesResult.Workload workload, String target, double rate) {
        Optional<LoadRun> run = rate(workload, target, rate);
        Optional<LoadRun> direct = rate(workload, "direct", rate);
        if (run.isEmpty() || direct.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(run.get().e2eP99() - direct.get().e2eP99());
    }

    private static String addedText(ProxiesResult.Workload workload, String target, double rate) {
        return added(workload, target, rate).map(value -> Md.f("%.3f", value)).orElse("n/a");
    }

    private static Optional<LoadRun> rate(ProxiesResult.Workload workload, String target, double rate) {
        return workload.rates().stream().filter(run -> run.target().equals(target) && run.offered() == rate)
                .findFirst();
    }
}
