package io.qgate.bench.study.suite;

import io.qgate.bench.harness.Charts;
import io.qgate.bench.harness.Md;
import io.qgate.bench.study.connections.ConnectionsResult;
import java.nio.file.Path;
import java.util.List;

/** The connections part of the report. */
final class ConnectionsSection {

    static final int TARGET_STREAMS = 8000;
    static final long HEAP_TARGET_BYTES = 512L << 20;

    private ConnectionsSection() {}

    /** The heap figure the target is judged on: in use at the peak (jcmd), else the GC log's largest. */
    static long heap(ConnectionsResult result) {
        return result.heapUsedAtPeakBytes() >= 0 ? result.heapUsedAtPeakBytes() : result.gcPeakHeapBytes();
    }

    static List<Headline> headline(ConnectionsResult result) {
        String load = Md.f("%.2f", result.loadAverageBefore());
        boolean reached = result.peakInflight() >= TARGET_STREAMS;
        // A run with fewer streams than the target's (--quick, --streams) is reported, not judged.
        Boolean judged = result.streams() >= TARGET_STREAMS ? Boolean.TRUE : null;
        long heap = heap(result);
        return List.of(
                new Headline(Md.f("%,d concurrent streams through one gateway: errors", result.streams()),
                        Md.f("%d client errors, %d non-2xx at the gateway; %,d of %,d ok; peak %,d open at once",
                                result.errors(), result.gatewayErrors(), result.ok(), result.requests(),
                                result.peakInflight()),
                        "0 errors at 8,000", judged == null ? null
                                : result.errors() == 0 && result.gatewayErrors() == 0 && reached, load),
                new Headline(Md.f("%,d concurrent streams: gateway heap", result.streams()),
                        Md.f("%s in use at the peak, %s live after a full GC, largest before a GC %s (limit -Xmx%s); "
                                        + "RSS %s", Md.mib(result.heapUsedAtPeakBytes()),
                                Md.mib(result.liveHeapAtPeakBytes()), Md.mib(result.gcPeakHeapBytes()),
                                result.gatewayHeapLimit(), Md.mib(result.peakRssBytes())),
                        "< 512 MiB at 8,000", judged == null ? null : heap >= 0 && heap < HEAP_TARGET_BYTES && reached,
                        load));
    }

    static String markdown(ConnectionsResult result, Path dir) {
        StringBuilder md = new StringBuilder("## 3. Connections\n\n");
        md.append(Md.f("%,d streaming clients through one gateway on loopback, opened at %.0f per second (Poisson); "
                        + "each stream is %d events %d ms apart (%.0f s), so that all are open at once for a while. "
                        + "%s. When the most streams were open, the gateway's open files were counted and its heap "
                        + "read with `jcmd GC.heap_info`, before and after `jcmd GC.run`. Load average (1 min) %.2f "
                        + "at the start, %.2f at the end; processes this benchmark did not start used %.0f%% of a core "
                        + "meanwhile.%n%n", result.streams(), result.rampRate(), result.events(),
                result.eventIntervalMs(), result.events() * result.eventIntervalMs() / 1000.0,
                Md.capitalized(result.processes()), result.loadAverageBefore(), result.loadAverageAfter(),
                result.otherCpuPercent()));
        md.append(Md.table(List.of("measure", "value"), "lr", List.of(
                List.of("streams asked / ok / client errors", Md.f("%,d / %,d / %d", result.requests(), result.ok(),
                        result.errors())),
                List.of("error kinds", result.errorKinds().isEmpty() ? "none" : result.errorKinds().toString()),
                List.of("non-2xx answers counted by the gateway", Long.toString(result.gatewayErrors())),
                List.of("most streams open at the gateway at once", Md.f("%,d", result.peakInflight())),
                List.of("gateway open files then", result.openFilesAtPeak() < 0 ? "n/a"
                        : Md.f("%,d", result.openFilesAtPeak())),
                List.of("gateway heap in use then", Md.mib(result.heapUsedAtPeakBytes())),
                List.of("gateway heap live after a full GC then", Md.mib(result.liveHeapAtPeakBytes())),
                List.of("largest heap use before a GC (GC log)", Md.mib(result.gcPeakHeapBytes())),
                List.of("gateway heap limit", "-Xmx" + result.gatewayHeapLimit()),
                List.of("gateway peak RSS", Md.mib(result.peakRssBytes())),
                List.of("TTFT p50 / p99, ms", Md.ms(result.ttftP50()) + " / " + Md.ms(result.ttftP99())),
                List.of("stream duration p50 / p99, ms", Md.ms(result.e2eP50()) + " / " + Md.ms(result.e2eP99())))));
        if (!result.timeline().isEmpty()) {
            String chart = "connections.png";
            Charts.twoAxes(dir.resolve(chart), Md.f("%,d streams through one gateway", result.streams()),
                    "seconds", "streams open at the gateway",
                    result.timeline().stream().map(s -> new double[] {s.seconds(), s.inflight()}).toList(),
                    "gateway RSS, MiB",
                    result.timeline().stream().map(s -> new double[] {s.seconds(), s.rssBytes() / 1048576.0}).toList());
            md.append(Md.f("![%s](%s)%n%n", chart, chart));
        }
        return md.toString();
    }
}
