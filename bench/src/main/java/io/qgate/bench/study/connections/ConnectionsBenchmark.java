package io.qgate.bench.study.connections;

import io.qgate.bench.harness.ChildProcess;
import io.qgate.bench.harness.Cpus;
import io.qgate.bench.harness.GatewayProcess;
import io.qgate.bench.harness.HeapProbe;
import io.qgate.bench.harness.JavaCommand;
import io.qgate.bench.harness.JsonFiles;
import io.qgate.bench.harness.ProcStat;
import io.qgate.bench.harness.Sleep;
import io.qgate.bench.harness.StubProcess;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Many concurrent streams through one gateway. Each stream costs the gateway two sockets (client
 * and replica) and the other two processes one each, and no process here may hold more than
 * 20,000 open files; so the replica stub, the gateway and the load generator run as three
 * processes. Streams open at a steady rate, each lasting longer than the ramp, so that for a
 * while all of them are open at once; that is when the gateway's heap and open files are read.
 */
public final class ConnectionsBenchmark {

    private static final long SAMPLE_MILLIS = 500;
    private static final Duration DRAIN_MARGIN = Duration.ofSeconds(60);

    private ConnectionsBenchmark() {}

    public static ConnectionsResult run(ConnectionsOptions options, PrintStream progress) {
        Path work = JsonFiles.workDirectory("qgate-connections-");
        double loadBefore = ProcStat.loadAverage();
        Instant startedAt = Instant.now();
        long start = System.nanoTime();
        double ownCpu = ProcStat.ownTreeCpuSeconds();
        double machineCpu = ProcStat.machineBusySeconds();
        progress.printf(Locale.ROOT, "connections: %d streams at %.0f new per second, %d events %d ms apart "
                        + "(%.0f s each), %d replica listeners; logs in %s (load average %.2f)%n", options.streams(),
                options.rampRate(), options.events(), options.eventInterval().toMillis(),
                options.streamDuration().toMillis() / 1000.0, options.replicas(), work, loadBefore);
        if (options.streamDuration().compareTo(options.rampDuration().multipliedBy(3).dividedBy(2)) < 0) {
            progress.println("  note: streams end before the ramp is much over; not all will be open at once");
        }
        Path gcLog = work.resolve("gateway-gc.log");
        int cores = Runtime.getRuntime().availableProcessors();
        try (StubProcess stub = StubProcess.start(options.replicas(), cores, options.events(), options.eventInterval(),
                Cpus.ALL, work.resolve("stub.log"));
             GatewayProcess gateway = GatewayProcess.start(stub.endpoints(), 0, Cpus.ALL,
                     List.of("-Xmx" + options.heap(), "-XX:+ExitOnOutOfMemoryError", HeapProbe.gcLogOption(gcLog)),
                     Map.of("upstream.max-connections", Integer.toString(options.streams()),
                             "admission.max-inflight", Integer.toString(Math.max(10_000, options.streams()))),
                     work.resolve("gateway.log"))) {
            Path loadOut = work.resolve("load.json");
            Duration timeout = options.streamDuration().plus(DRAIN_MARGIN);
            List<String> args = List.of("--url", gateway.url(), "--stream", "--workload", "tiny", "--quiet",
                    "--rate", String.format(Locale.ROOT, "%.1f", options.rampRate()),
                    "--requests", Integer.toString(options.streams()),
                    "--max-connections", Integer.toString(options.streams() + 100),
                    "--threads", Integer.toString(cores),
                    "--drain-timeout", timeout.toMillis() + "ms", "--request-timeout", timeout.toMillis() + "ms",
                    "--out", loadOut.toString());
            ChildProcess load = ChildProcess.start("load", JavaCommand.bench(List.of(), "load", args), Cpus.ALL,
                    work.resolve("load.log"));
            try {
                Watch watch = watch(options, gateway, load, progress);
                int status = load.awaitExit(timeout.plusSeconds(30));
                if (status != 0) {
                    throw new IllegalStateException("load generator failed (status " + status + "):\n" + load.output());
                }
                JsonNode summary = JsonMapper.shared().readTree(loadOut.toFile()).path("summary");
                Map<String, Long> kinds = new TreeMap<>();
                summary.path("errors").properties().forEach(e -> kinds.put(e.getKey(), e.getValue().asLong()));
                long errors = kinds.values().stream().mapToLong(Long::longValue).sum();
                long gatewayErrors = gatewayErrors(gateway.metrics());
                double seconds = (System.nanoTime() - start) / 1e9;
                double others = ((ProcStat.machineBusySeconds() - machineCpu) - (ProcStat.ownTreeCpuSeconds() - ownCpu))
                        / seconds * 100;
                ConnectionsResult result = new ConnectionsResult("connections", startedAt.toString(),
                        seconds, options.quick(), loadBefore, ProcStat.loadAverage(),
                        options.streams(), options.rampRate(), options.events(), options.eventInterval().toMillis(),
                        options.replicas(), options.heap(), "three processes on all " + cores + " cores, unpinned: "
                        + "replica stub (" + options.replicas() + " listeners), gateway (" + cores + " event loops, "
                        + "-Xmx" + options.heap() + "), load generator (" + cores + " threads)",
                        watch.peakInflight, watch.openFiles, watch.peakRss, watch.heapUsed, watch.liveHeap,
                        HeapProbe.peakFromGcLog(gcLog), summary.path("requests").asLong(), summary.path("ok").asLong(),
                        errors, kinds, gatewayErrors, summary.path("ttftMs").path("p50").asDouble(),
                        summary.path("ttftMs").path("p99").asDouble(), summary.path("e2eMs").path("p50").asDouble(),
                        summary.path("e2eMs").path("p99").asDouble(), Math.round(Math.max(0, others)), watch.timeline);
                progress.printf(Locale.ROOT, "connections: %d of %d streams ok, %d errors (gateway non-2xx %d); peak %d "
                                + "open at the gateway, %d open files; RSS %.0f MiB, heap at peak %s, live after GC %s%n",
                        result.ok(), result.requests(), errors, gatewayErrors, watch.peakInflight, watch.openFiles,
                        watch.peakRss / 1048576.0, mib(watch.heapUsed), mib(watch.liveHeap));
                return result;
            } finally {
                load.close();
            }
        }
    }

    /** What the sampling saw. */
    private static final class Watch {
        long peakInflight;
        long peakRss;
        long openFiles = -1;
        long heapUsed = -1;
        long liveHeap = -1;
        final List<ConnectionsResult.Sample> timeline = new ArrayList<>();
    }

    /**
     * Samples the gateway until the load generator exits. The first time every stream is open (or,
     * failing that, halfway between the end of the ramp and the end of the first stream) the heap
     * and open files are read, once.
     */
    private static Watch watch(ConnectionsOptions options, GatewayProcess gateway, ChildProcess load,
                               PrintStream progress) {
        Watch watch = new Watch();
        long start = System.nanoTime();
        long fallbackNanos = options.rampDuration().plus(options.streamDuration().minus(options.rampDuration())
                .dividedBy(2)).toNanos();
        boolean probed = false;
        long firstOpen = 0; // the load generator's JVM takes a few seconds to send its first request
        long lastPrint = 0;
        long deadline = start + options.streamDuration().plus(DRAIN_MARGIN).plusSeconds(30).toNanos();
        while (load.alive() && System.nanoTime() < deadline) {
            long now = System.nanoTime();
            long inflight = gauge(gateway.metrics(), "qgate_inflight_requests");
            long rss = gateway.process().rssBytes();
            watch.peakInflight = Math.max(watch.peakInflight, inflight);
            watch.peakRss = Math.max(watch.peakRss, rss);
            double seconds = (now - start) / 1e9;
            watch.timeline.add(new ConnectionsResult.Sample(Math.round(seconds * 10) / 10.0, Math.max(0, inflight), rss));
            if (firstOpen == 0 && inflight > 0) {
                firstOpen = now;
            }
            if (!probed && firstOpen != 0 && (inflight >= options.streams() || now - firstOpen > fallbackNanos)) {
                probed = true;
                long pid = gateway.process().pid();
                watch.openFiles = openFiles(pid);
                watch.heapUsed = HeapProbe.used(pid);
                watch.liveHeap = HeapProbe.liveAfterFullGc(pid);
                progress.printf(Locale.ROOT, "  %5.1fs  %d streams open: %d open files, heap %s, live after a full GC "
                        + "%s%n", seconds, inflight, watch.openFiles, mib(watch.heapUsed), mib(watch.liveHeap));
            }
            if (now - lastPrint >= 2_000_000_000L) {
                lastPrint = now;
                progress.printf(Locale.ROOT, "  %5.1fs  open at the gateway %5d  RSS %4.0f MiB%n", seconds, inflight,
                        rss / 1048576.0);
            }
            Sleep.millis(SAMPLE_MILLIS);
        }
        return watch;
    }

    private static String mib(long bytes) {
        return bytes < 0 ? "n/a" : String.format(Locale.ROOT, "%.0f MiB", bytes / 1048576.0);
    }

    private static long openFiles(long pid) {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return fds.count();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The value of an unlabelled gauge in Prometheus text, or -1. */
    static long gauge(String metrics, String name) {
        double sum = 0;
        boolean found = false;
        for (String line : metrics.split("\n")) {
            // One series per pool ({pool="..."}): the gateway's figure is their sum.
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                String[] fields = line.substring(line.indexOf(line.contains("}") ? '}' : ' ') + 1).trim().split(" ");
                sum += Double.parseDouble(fields[0]);
                found = true;
            }
        }
        return found ? (long) sum : -1;
    }

    /** Answers the gateway counted with a status other than 2xx. */
    static long gatewayErrors(String metrics) {
        long errors = 0;
        for (String line : metrics.split("\n")) {
            if (line.startsWith("qgate_requests_total{")) {
                int code = line.indexOf("code=\"");
                if (code >= 0 && line.charAt(code + 6) != '2') {
                    String value = line.substring(line.lastIndexOf('}') + 1).trim().split(" ")[0];
                    errors += (long) Double.parseDouble(value);
                }
            }
        }
        return errors;
    }
}
