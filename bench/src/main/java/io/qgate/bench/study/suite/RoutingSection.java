package io.qgate.bench.study.suite;

import io.qgate.bench.harness.Charts;
import io.qgate.bench.harness.Md;
import io.qgate.bench.study.routing.RoutingSweepResult;
import io.qgate.bench.study.routing.RoutingSweepResult.Row;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/** The routing-quality part of the report. */
final class RoutingSection {

    /** Queue routing's p99 TTFT at most this fraction of round-robin's at 85% load. */
    static final double QUEUE_TARGET = 0.5;
    static final double TARGET_LOAD = 0.85;

    private RoutingSection() {}

    static List<Headline> headline(RoutingSweepResult result) {
        List<Headline> lines = new ArrayList<>();
        String load = Md.f("%.2f", result.loadAverageBefore());
        for (int gateways : tiers(result)) {
            Optional<Row> queue = find(result, gateways, TARGET_LOAD, "queue");
            Optional<Row> roundRobin = find(result, gateways, TARGET_LOAD, "round-robin");
            if (queue.isPresent() && roundRobin.isPresent()) {
                double ratio = queue.get().ttftP99() / roundRobin.get().ttftP99();
                lines.add(new Headline(Md.f("queue / round-robin p99 TTFT at 85%% load, %d instance%s", gateways,
                        gateways == 1 ? "" : "s"), Md.f("%.2f (%s vs %s ms)", ratio, Md.ms(queue.get().ttftP99()),
                        Md.ms(roundRobin.get().ttftP99())), "≤ " + QUEUE_TARGET, ratio <= QUEUE_TARGET, load));
            }
            Optional<Row> nginx = find(result, gateways, TARGET_LOAD, "nginx least_conn");
            if (queue.isPresent() && nginx.isPresent()) {
                lines.add(new Headline(Md.f("queue / nginx least_conn p99 TTFT at 85%% load, %d instance%s", gateways,
                        gateways == 1 ? "" : "s"), Md.f("%.2f (%s vs %s ms)", queue.get().ttftP99()
                                / nginx.get().ttftP99(), Md.ms(queue.get().ttftP99()), Md.ms(nginx.get().ttftP99())),
                        "", null, load));
            }
        }
        return lines;
    }

    static String markdown(RoutingSweepResult result, Path dir) {
        StringBuilder md = new StringBuilder("## 2. Routing quality\n\n");
        md.append(Md.f("%d simulated LiteLLM + vLLM replicas (max-num-seqs %d, fresh for every row) shared by one or "
                        + "by three proxy instances, each given an equal share of Poisson streaming load (%s lengths) by "
                        + "a generator of its own; the same arrivals in every row of a load. Capacity %.2f req/s, "
                        + "measured once (closed loop straight at the replicas). Each row %s modelled s. qgate "
                        + "instances scrape every 100 ms (modelled); nginx instances run one worker each, balancing on "
                        + "what each alone has open, as qgate's instances do between scrapes. The prefix rows use %d "
                        + "tenants with %d-token system prompts, an equal share entering through each instance. "
                        + "Round-robin in qgate and in nginx deal the same arrivals to the replicas in turn, so their "
                        + "rows and lines (nearly) coincide. Units: %s. Load average (1 min) %.2f at the start, %.2f "
                        + "at the end; %.0f s wall.%n%n", result.replicas(), result.maxNumSeqs(), result.workload(),
                result.capacityRps(), fmt(result.durationSeconds()), result.tenants(), result.systemPromptTokens(),
                result.units(), result.loadAverageBefore(), result.loadAverageAfter(), result.wallSeconds()));
        List<Double> loads = loads(result);
        for (int gateways : tiers(result)) {
            String tier = gateways + (gateways == 1 ? " instance" : " instances");
            md.append(Md.f("### %s%n%n", Md.capitalized(tier)));
            md.append("p99 TTFT, ms, by offered load:\n\n");
            md.append(pivot(result, gateways, loads, Row::ttftP99));
            md.append("p99 end-to-end, ms, by offered load:\n\n");
            md.append(pivot(result, gateways, loads, Row::e2eP99));
            String slug = gateways + "-instance" + (gateways == 1 ? "" : "s");
            String ttftChart = "routing-ttft-p99-" + slug + ".png";
            Charts.lines(dir.resolve(ttftChart), "p99 TTFT against load, " + tier, "offered load, % of capacity",
                    "p99 TTFT, ms (modelled)", byLoad(result, gateways, Row::ttftP99), false, true);
            String e2eChart = "routing-e2e-p99-" + slug + ".png";
            Charts.lines(dir.resolve(e2eChart), "p99 end-to-end latency against load, " + tier,
                    "offered load, % of capacity", "p99 end-to-end, ms (modelled)", byLoad(result, gateways,
                            Row::e2eP99), false, true);
            md.append(Md.f("![%s](%s)%n![%s](%s)%n%n", ttftChart, ttftChart, e2eChart, e2eChart));
            double cdfLoad = nearest(loads, TARGET_LOAD);
            Map<String, List<double[]>> cdf = new LinkedHashMap<>();
            for (Row row : result.rows()) {
                if (row.gateways() == gateways && row.load() == cdfLoad) {
                    cdf.put(row.name(), row.ttftCdf().stream().map(p -> new double[] {p[1], p[0]}).toList());
                }
            }
            String cdfChart = "routing-ttft-cdf-" + slug + ".png";
            Charts.lines(dir.resolve(cdfChart), Md.f("TTFT distribution at %s load, %s", Md.percent(cdfLoad), tier),
                    "TTFT, ms (modelled, log scale)", "percentile", cdf, true, false);
            md.append(Md.f("![%s](%s)%n%n", cdfChart, cdfChart));
            md.append("<details><summary>Every row</summary>\n\n");
            List<List<String>> rows = new ArrayList<>();
            for (Row row : result.rows()) {
                if (row.gateways() == gateways) {
                    rows.add(List.of(Md.percent(row.load()), row.name(), row.routedBy(), Md.ms(row.ttftP50()),
                            Md.ms(row.ttftP99()), Md.ms(row.e2eP50()), Md.ms(row.e2eP99()),
                            Md.f("%.2f", row.throughputRps()), Long.toString(row.requests()),
                            Long.toString(row.errors())));
                }
            }
            md.append(Md.table(List.of("load", "configuration", "routed by", "TTFT p50", "TTFT p99", "E2E p50",
                    "E2E p99", "req/s", "requests", "errors"), "lllrrrrrrr", rows));
            md.append("</details>\n\n");
        }
        return md.toString();
    }

    private static String pivot(RoutingSweepResult result, int gateways, List<Double> loads,
                                ToDoubleFunction<Row> metric) {
        List<String> header = new ArrayList<>(List.of("configuration"));
        loads.forEach(load -> header.add(Md.percent(load)));
        List<List<String>> rows = new ArrayList<>();
        for (String name : names(result)) {
            List<String> cells = new ArrayList<>(List.of(name));
            for (double load : loads) {
                cells.add(find(result, gateways, load, name).map(row -> Md.ms(metric.applyAsDouble(row))).orElse(""));
            }
            rows.add(cells);
        }
        return Md.table(header, "l" + "r".repeat(loads.size()), rows);
    }

    private static Map<String, List<double[]>> byLoad(RoutingSweepResult result, int gateways,
                                                      ToDoubleFunction<Row> metric) {
        Map<String, List<double[]>> series = new LinkedHashMap<>();
        for (Row row : result.rows()) {
            if (row.gateways() == gateways) {
                series.computeIfAbsent(row.name(), k -> new ArrayList<>())
                        .add(new double[] {100 * row.load(), metric.applyAsDouble(row)});
            }
        }
        return series;
    }

    private static Optional<Row> find(RoutingSweepResult result, int gateways, double load, String name) {
        return result.rows().stream().filter(row -> row.gateways() == gateways && Math.abs(row.load() - load) < 1e-9
                && row.name().equals(name)).findFirst();
    }

    private static List<Integer> tiers(RoutingSweepResult result) {
        return result.rows().stream().map(Row::gateways).distinct().toList();
    }

    private static List<Double> loads(RoutingSweepResult result) {
        return result.rows().stream().map(Row::load).distinct().sorted().toList();
    }

    private static List<String> names(RoutingSweepResult result) {
        return result.rows().stream().map(Row::name).distinct().toList();
    }

    private static double nearest(List<Double> loads, double wanted) {
        return loads.stream().min((a, b) -> Double.compare(Math.abs(a - wanted), Math.abs(b - wanted))).orElse(wanted);
    }

    private static String fmt(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
