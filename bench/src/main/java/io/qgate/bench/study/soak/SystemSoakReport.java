package io.qgate.bench.study.soak;

import io.qgate.bench.harness.Charts;
import io.qgate.bench.harness.JsonFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;


/** The system soak's {@code results.json}, {@code report.md} and {@code timeline.png}. */
final class SystemSoakReport {

    static final String JSON_FILE = "results.json";
    static final String MARKDOWN_FILE = "report.md";
    static final String TIMELINE_FILE = "timeline.png";
    private static final int LISTED_LINES = 10;

    private SystemSoakReport() {}

    static void write(SystemSoakResult result, Path dir) {
        JsonFiles.write(result, dir, JSON_FILE);
        timeline(result, dir.resolve(TIMELINE_FILE));
        try {
            Files.writeString(dir.resolve(MARKDOWN_FILE), markdown(result));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report into " + dir, e);
        }
    }

    /** Throughput, p99 TTFT and failures by fate on one time axis, every fault marked across them. */
    static void timeline(SystemSoakResult r, Path file) {
        List<SystemSoakResult.Sample> samples = r.samples();
        double[] at = samples.stream().mapToDouble(SystemSoakResult.Sample::atSeconds).toArray();
        List<Charts.Line> throughput = List.of(
                new Charts.Line("sent/s", at, samples.stream().mapToDouble(SystemSoakResult.Sample::sentPerSecond).toArray()),
                new Charts.Line("answered/s", at, samples.stream().mapToDouble(SystemSoakResult.Sample::okPerSecond).toArray()));
        List<Charts.Line> ttft = List.of(new Charts.Line("p99 TTFT (streams)", at,
                samples.stream().mapToDouble(SystemSoakResult.Sample::ttftP99Ms).toArray()));
        List<Charts.Line> errors = new ArrayList<>();
        double[] fateAt = r.fates().stream().mapToDouble(SystemSoakResult.FateSample::atSeconds).toArray();
        for (Fate fate : Fate.values()) {
            if (fate == Fate.ANSWERED || r.fates().stream().noneMatch(f -> f.failures().containsKey(fate))) {
                continue;
            }
            errors.add(new Charts.Line(fate.words, fateAt, r.fates().stream()
                    .mapToDouble(f -> f.failures().getOrDefault(fate, 0L)).toArray()));
        }
        // Every fault is drawn; the frequent ones unlabelled, or the labels would cover one another.
        List<Charts.Mark> marks = r.events().stream().filter(e -> !e.kind().isEmpty() && !e.kind().equals("CHURN"))
                .map(e -> new Charts.Mark(e.atSeconds(), frequent(e.kind()) ? "" : shortName(e.kind()))).toList();
        Charts.timeline(file, "System soak: " + (int) r.durationSeconds() + " s, faults marked", "seconds",
                List.of(new Charts.Panel("requests/s", throughput), new Charts.Panel("ms", ttft),
                        new Charts.Panel("not answered per interval", errors)), marks);
    }

    private static boolean frequent(String kind) {
        return kind.equals("REPLICA_RESET") || kind.equals("ZERO_POOL_TRAFFIC");
    }

    private static String shortName(String kind) {
        return switch (kind) {
            case "REPLICA_RESET" -> "reset";
            case "GATEWAY_SIGKILL" -> "SIGKILL";
            case "GATEWAY_SIGTERM" -> "SIGTERM";
            case "REPLICA_HANG" -> "hang";
            case "REPLICA_500" -> "500s";
            case "BURST" -> "burst";
            case "ZERO_POOL_TRAFFIC" -> "zero pool on";
            default -> kind.toLowerCase(Locale.ROOT);
        };
    }

    static String markdown(SystemSoakResult r) {
        StringBuilder md = new StringBuilder("# System soak\n\n");
        md.append(f("Started %s; %.0f s of load (%.1f s with the drain); load average %.2f at the start, %.2f at "
                + "the end. %s.%n%n", r.startedAt(), r.durationSeconds(), r.loadSeconds(), r.loadAverage()[0],
                r.loadAverage()[1], r.passed() ? "**Passed**" : "**Failed**"));
        if (r.durationSeconds() < FaultPlan.NOMINAL.toSeconds()) {
            md.append(f("This run is shorter than the issue's %d minutes, so the fault periods are scaled down by "
                    + "%.0f s / %d s (each to a floor; see the table below). The 30-minute run, on a quiet machine, "
                    + "is still to be made.%n%n", FaultPlan.NOMINAL.toMinutes(), r.durationSeconds(),
                    FaultPlan.NOMINAL.toSeconds()));
        }
        md.append(f("%d gateway processes from the packaged jar, peers over UDP, behind a client-side spread that "
                + "tries the next gateway on a refused connect; pool `%s` (simulated replicas in a discovery file "
                + "that churns) and pool `%s` (scaled from zero by the stand-in autoscaler summing the gateways' "
                + "`/scaling` demand).%n%n", SystemSoakRun.GATEWAYS, SystemSoakRun.CHURN_POOL, SystemSoakRun.ZERO_POOL));
        if (r.probe() != null) {
            md.append(f("Probe: %d closed-loop users answered %.1f req/s; offered %.1f req/s open loop (bursts 3x).%n%n",
                    r.probe().users(), r.probe().maxRps(), r.rate()));
        } else {
            md.append(f("Offered %.1f req/s open loop (bursts 3x), as given.%n%n", r.rate()));
        }
        md.append("## Checks\n\n| check | passed | detail |\n|---|---|---|\n");
        for (SystemSoakResult.Check check : r.checks()) {
            md.append(f("| %s | %s | %s |%n", check.name(), check.passed() ? "yes" : "**no**", check.detail()));
        }
        md.append("\n## Every request\n\n| fate | requests |\n|---|---:|\n");
        for (Fate fate : Fate.values()) {
            md.append(f("| %s | %d |%n", fate.words, r.accounting().of(fate)));
        }
        md.append(f("| **sent** | **%d** |%n%n", r.accounting().sent()));
        md.append("Sent by kind: ").append(r.sentByKind()).append("\n\n");
        if (!r.accounting().listed().isEmpty()) {
            md.append("Unexplained (first ").append(r.accounting().listed().size()).append("):\n\n");
            r.accounting().listed().forEach(line -> md.append("- `").append(line.replace('`', '\'')).append("`\n"));
            md.append('\n');
        }
        SoakResult.Latency l = r.latency();
        md.append(f("Latency of the %d answers: TTFT p50 %.0f ms, p99 %.0f ms (streams); end to end p50 %.0f ms, "
                + "p99 %.0f ms, max %.0f ms.%n%n", l.count(), l.ttftP50(), l.ttftP99(), l.e2eP50(), l.e2eP99(), l.e2eMax()));
        md.append("![throughput, p99 TTFT and failures by fate, faults marked](").append(TIMELINE_FILE).append(")\n\n")
                .append("Dashed lines: every fault; the unlabelled ones are the replica resets and the starts of the ")
                .append("traffic to the pool scaled from zero.\n\n");
        md.append("## Each gateway process against its clients\n\n")
                .append("A life killed with SIGKILL loses its counters: its last reading before the kill is held as a ")
                .append("bound (no more than its clients saw), as is a drained one's reading before SIGTERM. The ")
                .append("lives running at the end must agree exactly (a client's abort may show as a 200 the gateway ")
                .append("finished writing, one for one).\n\n")
                .append("| life | end | clients sent | clients saw end | gateway received | gateway answered by status | expected | agrees |\n")
                .append("|---|---|---:|---:|---:|---|---|---|\n");
        for (SystemSoakResult.LifeCheck life : r.lives()) {
            md.append(f("| %s | %s | %d | %d | %d | %s | %s | %s%s |%n", life.name(), life.end(), life.sent(),
                    life.ended(), life.countedReceived(), life.counted(), life.expected(),
                    life.agrees() ? "yes" : "**no**", life.exact() ? "" : " (bound)"));
        }
        SystemSoakResult.Steady s = r.steadyGateway();
        md.append(f("%n## Gateway 0 (no fault touches it)%n%nHeap after full GC: %s; open files %d before the load, "
                        + "%d after; threads %d before, %d after.%s%n%n",
                s.heapTrend().samples() < HeapTrend.MIN_SAMPLES ? "too few samples after the warm-up to judge"
                        : f("%.2f MB/min over %d samples (limit %.2f)", s.heapTrend().slopeMbPerMin(),
                        s.heapTrend().samples(), s.heapSlopeLimitMb()),
                s.openFilesBefore(), s.openFilesAfter(), s.threadsBefore(), s.threadsAfter(),
                s.unavailable().isEmpty() ? "" : " Heap: " + s.unavailable()));
        if (!r.heapHistogram().isEmpty()) {
            md.append("Its largest classes of live objects at the end (`jcmd GC.class_histogram`: rank, instances, "
                    + "bytes, class):\n\n```\n");
            r.heapHistogram().forEach(line -> md.append(line).append('\n'));
            md.append("```\n\n");
        }
        md.append("## Faults and changes\n\n| at (s) | what |\n|---:|---|\n");
        r.events().forEach(e -> md.append(f("| %.1f | %s |%n", e.atSeconds(), e.what())));
        md.append(f("%n## Scale from zero%n%n%d wake-ups, %d removals.%n%n", r.wakeUps(), r.removals()));
        r.autoscalerEvents().forEach(e -> md.append("- ").append(e).append('\n'));
        md.append(f("%n## Logs%n%nLeak reports: %d. Error lines: %d%s%n", r.leakReports().size(), r.warnings().size(),
                r.warnings().isEmpty() ? "." : " (first " + Math.min(LISTED_LINES, r.warnings().size()) + "):"));
        r.warnings().stream().limit(LISTED_LINES).forEach(w -> md.append("- `").append(w.replace('`', '\'')).append("`\n"));
        md.append("\n## Configuration of gateway 0\n\n```yaml\n").append(r.configuration()).append("```\n\n");
        md.append("Command: `").append(String.join(" ", r.gatewayCommand())).append("`\n");
        return md.toString();
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

}
