package io.qgate.bench.study.proxies;

import io.qgate.bench.cli.CommandLine;
import io.qgate.bench.harness.JsonFiles;
import io.qgate.bench.study.suite.Report;
import java.io.PrintStream;

/** {@code proxies}: the proxy-overhead benchmark; writes {@code proxies.json} into {@code --out}. */
public final class ProxiesCommand {

    static final String USAGE = """
            Usage: java -jar qgate-bench.jar proxies [--quick] [--out DIR] [options]

            Proxy overhead: a replica stub (fixed answers, no modelled latency) reached directly, through
            qgate, through nginx (least_conn, keep-alive upstream) and through HAProxy (leastconn), with
            the same load tools. Small chat completions, then SSE streams: each target's maximum
            throughput (closed loop), then every target at the same fixed rates (open loop). Needs
            nginx and haproxy installed (a missing one is skipped) and, for the maximum runs, wrk
            (else the project's generator in closed loop). About 20 minutes with both modes.

              --modes M            pinned,shared (default both; pinned needs 2+ cores and taskset):
                                   pinned puts the proxy alone on the last core with one worker, the
                                   load and the stub on the others; shared runs all on all cores with
                                   one proxy worker per core
              --targets T          direct,qgate,nginx,haproxy (default all; direct is required)
              --duration D         each maximum-throughput run (default 10s; quick 2s)
              --rate-duration D    each fixed-rate run (default 10s; quick 2s)
              --warmup D           unmeasured load before each maximum run, which warms the proxies
                                   up for the fixed-rate runs too (default 15s; quick 2s)
              --connections N      closed-loop connections (default 64; quick 16)
              --rates F,F          fixed rates as fractions of the slowest proxy's maximum (default 0.25,0.5)
              --events N           content events per SSE stream (default 200)
              --tool T             wrk or load: what measures maximum throughput (default wrk if installed)
              --max-load F         before each mode, wait up to 5 minutes for the 1-minute load average
                                   to fall below F (default: do not wait)
              --out DIR            where proxies.json goes (default bench/results/<today>)
            """;

    private ProxiesCommand() {}

    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        return CommandLine.run("proxies", USAGE, args, out, err, a -> ProxiesOptions.parse(a, JsonFiles.todaysResults()),
                options -> {
                    CommandLine.quietGatewayLogs();
                    ProxiesResult result = ProxyBenchmark.run(options, err);
                    JsonFiles.write(result, options.out(), ProxiesResult.FILE);
                    out.println("report:  " + Report.render(options.out()));
                    out.println("results: " + options.out().resolve(ProxiesResult.FILE));
                    return 0;
                });
    }
}
