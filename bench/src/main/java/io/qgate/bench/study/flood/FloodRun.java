package io.qgate.bench.study.flood;

import io.qgate.bench.harness.ChildProcess;
import io.qgate.bench.harness.Cpus;
import io.qgate.bench.harness.GatewayProcess;
import io.qgate.bench.harness.HeapProbe;
import io.qgate.bench.harness.JavaCommand;
import io.qgate.bench.harness.JsonFiles;
import io.qgate.bench.harness.ProcStat;
import io.qgate.bench.harness.StubProcess;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The connection flood (issue 22): one gateway with its default limits in front of a replica stub;
 * real clients measured alone, then again while thousands of idle connections and connections
 * that trickle a request head one byte a second hold the gateway. Four processes: the stub, the
 * gateway, the flood and the real clients' load generator, since a process here may hold at most
 * 20,000 open files.
 */
final class FloodRun {

    /**
     * @param idle     connections that connect and send nothing
     * @param slow     connections that send a request head one byte a second, replaced when closed
     * @param rate     the real clients' requests per second
     * @param measure  how long the real clients run, alone and under the flood
     * @param gatewayJvm further JVM options of the gateway (a JFR recording, a GC log)
     * @param settings gateway settings other than the defaults
     */
    record Options(int idle, int slow, double rate, Duration measure, String heap, List<String> gatewayJvm,
                   Map<String, String> settings, Path out) {}

    /** The real clients' latency, alone and under the flood. */
    record Clients(long requests, long ok, long errors, double e2eP50Ms, double e2eP99Ms) {}

    /**
     * @param loadAverage the 1-minute load average at the start and at the end
     * @param rssBefore   the gateway's resident memory before the flood, bytes (and at its peak, after)
     * @param liveHeapDuring the gateway's heap after a full GC with every flood connection open
     */
    record Result(String startedAt, double[] loadAverage, Options options, String gatewayCommand, Clients alone,
                  Clients flooded, FloodClients.Summary flood, long rssBefore, long rssPeak, long liveHeapBefore,
                  long liveHeapDuring, long openFilesDuring) {

        /** Real clients within their normal p99 x 2, none failed. */
        boolean clientsServed() {
            return flooded.errors() == 0 && flooded.ok() > 0 && flooded.e2eP99Ms() <= 2 * alone.e2eP99Ms();
        }

        /** Every slow connection the gateway closed got a 408 first. */
        boolean slowOnesGot408() {
            return flood.slow408() > 0 && flood.slowClosedWithout408() == 0;
        }
    }

    private FloodRun() {}

    static Result run(Options options, PrintStream progress) {
        Path work = JsonFiles.workDirectory("qgate-flood-");
        Instant startedAt = Instant.now();
        double loadBefore = ProcStat.loadAverage();
        progress.printf(Locale.ROOT, "flood: %d idle and %d slow connections against one gateway with its default "
                + "limits; real clients at %.0f req/s for %s, alone then flooded (load average %.2f; logs in %s)%n",
                options.idle(), options.slow(), options.rate(), options.measure(), loadBefore, work);
        try (StubProcess stub = StubProcess.start(2, 2, 4, Duration.ofMillis(20), Cpus.ALL, work.resolve("stub.log"));
             GatewayProcess gateway = GatewayProcess.start(stub.endpoints(), 0, Cpus.ALL,
                     jvmOptions(options), options.settings(), work.resolve("gateway.log"))) {
            long pid = gateway.process().pid();
            Clients alone = clients(gateway, options, work.resolve("alone.json"), work);
            progress.printf(Locale.ROOT, "flood: alone, %s%n", alone);
            long rssBefore = ProcStat.rssBytes(pid);
            long liveBefore = HeapProbe.liveAfterFullGc(pid);

            Path floodOut = work.resolve("flood.json");
            Duration floodLength = options.measure().plusSeconds(40);
            ChildProcess flood = ChildProcess.start("flood", JavaCommand.bench(List.of(), "flood-clients", List.of(
                    "--port", Integer.toString(gateway.address().getPort()), "--idle", Integer.toString(options.idle()),
                    "--slow", Integer.toString(options.slow()), "--duration", floodLength.toMillis() + "ms",
                    "--out", floodOut.toString())), Cpus.ALL, work.resolve("flood.log"));
            try {
                flood.awaitLine(line -> line.startsWith(FloodClients.CONNECTED), Duration.ofSeconds(60));
                progress.printf(Locale.ROOT, "flood: %d connections open at the gateway (%d open files); real "
                        + "clients again%n", options.idle() + options.slow(), ProcStat.openFiles(pid));
                long[] rssPeak = {ProcStat.rssBytes(pid)};
                Thread sampler = new Thread(() -> {
                    while (!Thread.currentThread().isInterrupted()) {
                        rssPeak[0] = Math.max(rssPeak[0], ProcStat.rssBytes(pid));
                        try {
                            Thread.sleep(500);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }, "flood-rss");
                sampler.setDaemon(true);
                sampler.start();
                Clients flooded = clients(gateway, options, work.resolve("flooded.json"), work);
                int openFiles = ProcStat.openFiles(pid);
                long liveDuring = HeapProbe.liveAfterFullGc(pid);
                progress.printf(Locale.ROOT, "flood: flooded, %s; %d open files, live heap %d MiB%n", flooded,
                        openFiles, liveDuring >> 20);
                flood.awaitExit(floodLength.plusSeconds(60));
                sampler.interrupt();
                FloodClients.Summary summary = JsonFiles.read(floodOut, FloodClients.Summary.class);
                progress.println("flood: " + FloodClients.describe(summary));
                return new Result(startedAt.toString(), new double[] {loadBefore, ProcStat.loadAverage()}, options,
                        String.join(" ", gateway.command()), alone, flooded, summary, rssBefore, rssPeak[0],
                        liveBefore, liveDuring, openFiles);
            } finally {
                flood.close();
            }
        }
    }

    private static List<String> jvmOptions(Options options) {
        List<String> jvm = new java.util.ArrayList<>(List.of("-Xmx" + options.heap()));
        jvm.addAll(options.gatewayJvm());
        return jvm;
    }

    /** The real clients: the load generator in its own process, plain chat completions at the rate. */
    private static Clients clients(GatewayProcess gateway, Options options, Path out, Path work) {
        ChildProcess load = ChildProcess.start("load", JavaCommand.bench(List.of(), "load", List.of("--url",
                gateway.url(), "--workload", "tiny", "--quiet", "--rate", String.format(Locale.ROOT, "%.1f",
                        options.rate()), "--duration", options.measure().toMillis() + "ms", "--warmup", "2s",
                "--out", out.toString())), Cpus.ALL, work.resolve(out.getFileName() + ".log"));
        try {
            int status = load.awaitExit(options.measure().plusSeconds(90));
            if (status != 0) {
                throw new IllegalStateException("the load generator failed (status " + status + "):\n" + load.output());
            }
            JsonNode summary = JsonMapper.shared().readTree(out.toFile()).path("summary");
            long errors = 0;
            for (var error : summary.path("errors").properties()) {
                errors += error.getValue().asLong();
            }
            return new Clients(summary.path("requests").asLong(), summary.path("ok").asLong(), errors,
                    summary.path("e2eMs").path("p50").asDouble(), summary.path("e2eMs").path("p99").asDouble());
        } finally {
            load.close();
        }
    }
}
