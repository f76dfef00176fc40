package io.qgate.bench.study.proxies;

import io.qgate.bench.harness.ChildProcess;
import io.qgate.bench.harness.Cpus;
import io.qgate.bench.harness.GatewayProcess;
import io.qgate.bench.harness.JavaCommand;
import io.qgate.bench.harness.JsonFiles;
import io.qgate.bench.harness.ProcStat;
import io.qgate.bench.harness.StubProcess;
import io.qgate.bench.harness.peer.Balance;
import io.qgate.bench.harness.peer.Peer;
import io.qgate.bench.harness.peer.PeerConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Proxy overhead: the replica stub reached directly, through qgate, through nginx and through
 * HAProxy, all in front of the same stub and driven by the same load tools. For each way of sharing
 * the cores and each kind of request: every target's maximum throughput (closed loop), then each
 * target at the same fixed rates (open loop), which are fractions of the slowest proxy's maximum
 * so that every proxy can carry them.
 */
public final class ProxyBenchmark {

    /** Every peer relays to the same two replica listeners. */
    private static final int REPLICAS = 2;
    private static final List<String> PROXIES = List.of("qgate", "nginx", "haproxy");

    private final ProxiesOptions options;
    private final PrintStream progress;
    private final Path work;

    private ProxyBenchmark(ProxiesOptions options, PrintStream progress, Path work) {
        this.options = options;
        this.progress = progress;
        this.work = work;
    }

    public static ProxiesResult run(ProxiesOptions options, PrintStream progress) {
        Path work = JsonFiles.workDirectory("qgate-proxies-");
        progress.println("proxies: configurations and logs in " + work);
        Instant startedAt = Instant.now();
        long start = System.nanoTime();
        ProxyBenchmark benchmark = new ProxyBenchmark(options, progress, work);
        List<ProxiesResult.Mode> modes = new ArrayList<>();
        for (String mode : options.modes()) {
            modes.add(benchmark.mode(mode));
        }
        Map<String, String> versions = new TreeMap<>();
        for (Peer peer : Peer.values()) {
            if (options.targets().contains(peer.id()) && peer.binary().isPresent()) {
                versions.put(peer.id(), peer.version());
            }
        }
        versions.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        String maxTool = options.tool().equals("wrk") ? Wrk.TOOL + ", " + options.connections() + " connections"
                : Generator.TOOL + " (closed loop), " + options.connections() + " connections";
        return new ProxiesResult("proxies", startedAt.toString(), (System.nanoTime() - start) / 1e9, options.quick(),
                Runtime.getRuntime().availableProcessors(), versions, maxTool,
                Generator.TOOL + " (open loop, Poisson arrivals, latency from the intended start)", modes);
    }

    /** How one mode shares the cores. */
    private record Plan(String name, String description, Cpus proxy, Cpus others, int workers) {}

    private static Plan plan(String mode) {
        int cores = Runtime.getRuntime().availableProcessors();
        if (mode.equals("pinned")) {
            Cpus proxy = new Cpus(Integer.toString(cores - 1));
            Cpus others = new Cpus(cores == 2 ? "0" : "0-" + (cores - 2));
            return new Plan(mode, "the proxy alone on " + proxy.describe() + " with 1 worker (nginx worker, HAProxy "
                    + "thread, qgate event loop); the load generator and the replica stub share " + others.describe(),
                    proxy, others, 1);
        }
        return new Plan(mode, "load generator, replica stub and proxy all share " + cores + " cores, unpinned; "
                + "the proxy runs " + cores + " workers (one per core)", Cpus.ALL, Cpus.ALL, cores);
    }

    private ProxiesResult.Mode mode(String mode) {
        Plan plan = plan(mode);
        ProcStat.awaitQuiet(options.maxLoad(), ProxiesOptions.MODE_WAIT, progress);
        double loadBefore = ProcStat.loadAverage();
        progress.printf(Locale.ROOT, "mode %s: %s (load average %.2f)%n", plan.name(), plan.description(), loadBefore);
        Path dir = work.resolve(mode);
        List<ProxiesResult.Workload> workloads = new ArrayList<>();
        for (boolean stream : new boolean[] {false, true}) {
            workloads.add(workload(plan, dir.resolve(stream ? "stream" : "small"), stream));
        }
        return new ProxiesResult.Mode(plan.name(), plan.description(), plan.proxy().list(), plan.others().list(),
                plan.workers(), loadBefore, ProcStat.loadAverage(), workloads);
    }

    /** Fresh processes for each kind of request, so the stream runs do not inherit the small runs' heaps. */
    private ProxiesResult.Workload workload(Plan plan, Path dir, boolean stream) {
        String name = stream ? "stream" : "small";
        int events = stream ? options.events() : 0;
        progress.printf(Locale.ROOT, "  %s requests%s%n", name, stream ? " (SSE, " + events + " events each)" : "");
        try (Lineup lineup = Lineup.start(plan, options, dir, progress)) {
            List<LoadRun> max = new ArrayList<>();
            for (Map.Entry<String, Target> target : lineup.targets.entrySet()) {
                max.add(maximum(plan, lineup, target.getKey(), target.getValue(), stream, dir));
            }
            double reference = max.stream().filter(run -> PROXIES.contains(run.target()))
                    .mapToDouble(LoadRun::throughputRps).min()
                    .orElse(max.stream().mapToDouble(LoadRun::throughputRps).min().orElse(0));
            List<LoadRun> rates = new ArrayList<>();
            for (double fraction : options.fractions()) {
                double rate = Math.max(1, Math.round(reference * fraction));
                for (Map.Entry<String, Target> target : lineup.targets.entrySet()) {
                    rates.add(fixedRate(plan, lineup, target.getKey(), target.getValue(), stream, rate, dir));
                }
            }
            return new ProxiesResult.Workload(name, stream, events, options.connections(), LoadRun.round(reference),
                    max, rates);
        }
    }

    private LoadRun maximum(Plan plan, Lineup lineup, String name, Target target, boolean stream, Path dir) {
        int threads = plan.others().count();
        String label = "max-" + name;
        LoadRun run;
        if (options.tool().equals("wrk")) {
            Wrk.run(name, target.url(), stream, options.connections(), threads, options.warmup(), plan.others(), dir,
                    label + "-warmup");
            Sample before = Sample.of(lineup, target);
            run = Wrk.run(name, target.url(), stream, options.connections(), threads, options.duration(),
                    plan.others(), dir, label);
            run = before.finish(run);
        } else {
            Sample before = Sample.of(lineup, target);
            run = Generator.run(name, target.url(), stream, 0, options.connections(), options.duration(),
                    options.warmup(), threads, plan.others(), dir, label, List.of());
            run = before.finish(run);
        }
        progress.printf(Locale.ROOT, "    max   %-8s %9.0f req/s  p50 %7.3f p99 %7.3f ms  errors %d  proxy CPU %3.0f%%  "
                        + "stub CPU %3.0f%%  others' CPU %3.0f%%%n", name, run.throughputRps(), run.e2eP50(), run.e2eP99(),
                run.errors(), run.proxyCpuPercent(), run.stubCpuPercent(), run.otherCpuPercent());
        return run;
    }

    private LoadRun fixedRate(Plan plan, Lineup lineup, String name, Target target, boolean stream, double rate,
                              Path dir) {
        Sample before = Sample.of(lineup, target);
        LoadRun run = Generator.run(name, target.url(), stream, rate, 0, options.rateDuration(), options.rateWarmup(),
                plan.others().count(), plan.others(), dir, "rate-" + (long) rate + "-" + name,
                List.of("--max-connections", "4096"));
        run = before.finish(run);
        progress.printf(Locale.ROOT, "    rate  %-8s %9.0f req/s  TTFT p50 %7.3f p99 %7.3f  E2E p50 %7.3f p99 %7.3f ms  "
                        + "errors %d  others' CPU %3.0f%%%n", name, rate, run.ttftP50(), run.ttftP99(), run.e2eP50(),
                run.e2eP99(), run.errors(), run.otherCpuPercent());
        return run;
    }

    /** Where a target listens, and the proxy process whose CPU is measured ({@code null} for direct). */
    private record Target(String url, ChildProcess proxy) {}

    /** CPU counters at the start of a run. */
    private record Sample(ChildProcess proxy, ChildProcess stub, double proxyCpu, double stubCpu, double ownCpu,
                          double machineCpu, long nanos) {

        static Sample of(Lineup lineup, Target target) {
            ChildProcess stub = lineup.stub.process();
            return new Sample(target.proxy(), stub, target.proxy() == null ? 0 : target.proxy().cpuSeconds(),
                    stub.cpuSeconds(), ProcStat.ownTreeCpuSeconds(), ProcStat.machineBusySeconds(), System.nanoTime());
        }

        LoadRun finish(LoadRun run) {
            double seconds = (System.nanoTime() - nanos) / 1e9;
            double proxyCpu = proxy == null ? 0 : (proxy.cpuSeconds() - this.proxyCpu) / seconds * 100;
            double others = (ProcStat.machineBusySeconds() - machineCpu) - (ProcStat.ownTreeCpuSeconds() - ownCpu);
            return run.withCpu(proxyCpu, (stub.cpuSeconds() - stubCpu) / seconds * 100, others / seconds * 100);
        }
    }

    /** The stub and every proxy of one mode, started together, stopped together. */
    private static final class Lineup implements AutoCloseable {
        private final List<AutoCloseable> started = new ArrayList<>();
        private final Map<String, Target> targets = new LinkedHashMap<>();
        private StubProcess stub;

        static Lineup start(Plan plan, ProxiesOptions options, Path dir, PrintStream progress) {
            Lineup lineup = new Lineup();
            try {
                lineup.stub = StubProcess.start(REPLICAS, plan.others().count(), options.events(), Duration.ZERO,
                        plan.others(), dir.resolve("stub.log"));
                lineup.started.add(lineup.stub);
                lineup.targets.put("direct", new Target("http://127.0.0.1:" + lineup.stub.ports().get(0), null));
                for (String name : options.targets()) {
                    switch (name) {
                        case "qgate" -> {
                            GatewayProcess gateway = GatewayProcess.start(lineup.stub.endpoints(), plan.workers(),
                                    plan.proxy(), List.of("-Xmx512m", "-XX:+ExitOnOutOfMemoryError"), Map.of(),
                                    dir.resolve("qgate.log"));
                            lineup.started.add(gateway);
                            lineup.targets.put(name, new Target(gateway.url(), gateway.process()));
                        }
                        case "nginx", "haproxy" -> {
                            Peer peer = name.equals("nginx") ? Peer.NGINX : Peer.HAPROXY;
                            if (peer.binary().isEmpty()) {
                                progress.println("    " + name + " is not installed: skipped");
                                continue;
                            }
                            int port = JavaCommand.freePort();
                            ChildProcess process = peer.start(new PeerConfig(port, lineup.stub.ports(), plan.workers(),
                                    Balance.LEAST_CONNECTIONS, dir.resolve(name)), plan.proxy());
                            lineup.started.add(process);
                            lineup.targets.put(name, new Target("http://127.0.0.1:" + port, process));
                        }
                        default -> { } // direct is always there
                    }
                }
                return lineup;
            } catch (RuntimeException e) {
                lineup.close();
                throw e;
            }
        }

        @Override
        public void close() {
            for (int i = started.size() - 1; i >= 0; i--) {
                try {
                    started.get(i).close();
                } catch (Exception e) {
                    // keep stopping the others
                }
            }
        }
    }
}
