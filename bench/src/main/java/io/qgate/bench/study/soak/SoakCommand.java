package io.qgate.bench.study.soak;

import io.qgate.bench.cli.CommandLine;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * {@code java -jar qgate-bench.jar soak [--single] [--duration 10m] [--quick] [--out DIR] [options]}:
 * runs the system soak (or, with {@code --single}, the soak of one gateway and one pool), prints
 * progress on stderr and the report on stdout, writes {@code results.json} and {@code report.md}
 * into the output directory, and exits non-zero when a criterion failed.
 */
public final class SoakCommand {

    /** Exit status of a run that failed a criterion. */
    public static final int FAILED_STATUS = 1;
    /** Exit status of a bad command line. */
    public static final int USAGE_STATUS = CommandLine.USAGE_STATUS;

    private static final String USAGE = """
            Usage: java -jar qgate-bench.jar soak [--single] [--quick] [--duration 10m] [--out DIR] [options]

            The system soak (issue 22): three gateway processes from the packaged jar, peers of
            one another, behind a client-side spread that tries the next gateway on a refused
            connect; a pool of simulated replicas listed in a discovery file that churns (added,
            not ready, removed) and a pool scaled from zero and back by a stand-in autoscaler; open
            loop at 70% of the measured maximum (chat, completions and embeddings, streamed and
            not, two tenants, two priorities, 1% malformed, 1% of clients leaving mid-stream) with
            3x bursts; faults: replica resets, a gateway SIGKILLed and one drained with SIGTERM,
            each restarted, a replica that hangs and one that answers 500 for a while. The 30-minute
            run has the issue's periods (a reset a minute, a gateway fault every 10 minutes, a burst
            of 20 s every 5); a shorter --duration scales them down so that every fault happens.
            Every request must end once, as answered, refused in plain words (429, 503, 400),
            aborted, or cut by a fault; each gateway process's counters must agree with its
            clients'; no leak report; gateway 0's heap after GC, files and threads flat. Writes
            timeline.png beside the report. Run from the repository root.

              --single               the soak of issue 8 instead (below; --kill-every and
                                     --restart-after apply to it only)

            The soak of issue 8: simulated replicas, the packaged gateway in a JVM of its own
            (gateway/target/qgate-gateway.jar, Netty leak detection at advanced), the maximum
            throughput measured through it, then an open loop at 70% of it for the duration with 1% of
            the clients aborting their stream and one replica killed (connections reset) and restarted
            every minute. Checks that every request is accounted for, that none failed but those a kill
            cut mid-answer, that the gateway's counters agree, that no leak was reported and that the
            gateway's heap after GC stays flat. Run from the repository root.

              --quick                20 s of load, one kill, a short probe (the CI test's run)
              --duration D           how long the load runs (default 10m; quick 20s)
              --out DIR              where results.json, report.md and gateway.log go
                                     (default: bench/results/soak-<timestamp>)
              --rate R               offer R req/s instead of measuring the maximum
              --load F               the share of the measured maximum to offer (default 0.7)
              --probe D              length of the closed-loop probe (default 20s; quick 4s)
              --kill-every D         a replica is killed at every multiple of D (default 1m; quick 10s)
              --restart-after D      how long a killed replica stays down (default 5s; quick 3s)
              --abort-fraction F     share of clients that leave mid-stream (default 0.01)
              --replicas N           simulated replicas (default 3)
              --max-num-seqs N       each replica's batch size (default 16)
              --time-scale F         wall-clock seconds per modelled second (default 0.25)
              --client-threads N     event loops of the load generator (default 2; quick 1)
              --sample-every D       progress and heap sample interval (default 10s; quick 5s)
              --heap-warmup D        heap samples left out of the trend (default 5m; quick 20s)
              --heap-slope-limit MB  largest heap trend that counts as flat, MB/min (default 0.5)
              --gateway-jar PATH     the gateway jar (default gateway/target/qgate-gateway.jar)
              --gateway-heap SIZE    the gateway's -Xmx (default 256m)
              --seed N               seed of the arrivals and requests (default 42)
            """;

    private static final String SINGLE = "--single";

    private SoakCommand() {}

    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        List<String> rest = new ArrayList<>(List.of(args));
        if (rest.remove(SINGLE)) {
            return run(rest.toArray(String[]::new), out, err, SoakRun::run, SoakReport::markdown, SoakReport::write,
                    SoakResult::passed);
        }
        return run(args, out, err, SystemSoakRun::run, SystemSoakReport::markdown, SystemSoakReport::write,
                SystemSoakResult::passed);
    }

    /** Runs one kind of soak, writes its report into the output directory and prints it. */
    private static <R> int run(String[] args, PrintStream out, PrintStream err,
                               BiFunction<SoakOptions, PrintStream, R> soak, Function<R, String> markdown,
                               BiConsumer<R, Path> write, Predicate<R> passed) {
        return CommandLine.run("soak", USAGE, args, out, err, SoakOptions::parse, options -> {
            R result;
            try {
                result = soak.apply(options, err);
            } catch (RuntimeException e) {
                err.println("soak: the run could not complete:");
                e.printStackTrace(err);
                return FAILED_STATUS;
            }
            write.accept(result, options.out());
            out.print(markdown.apply(result));
            out.println();
            out.println("results and report: " + options.out());
            return passed.test(result) ? 0 : FAILED_STATUS;
        });
    }
}
