package io.qgate.bench.study.routing;

import io.qgate.bench.harness.StudyCli;
import java.io.PrintStream;
import java.util.Arrays;

/**
 * The {@code routing-peers} command line: the routing bench's fleet and three gateways with 1 s
 * scrapes, with and without peers; progress on stderr, the report on stdout, and
 * {@code results.json} and {@code report.md} into {@code --out}.
 */
public final class PeersCommand {

    /** Exit status of a bad command line. */
    public static final int USAGE_STATUS = StudyCli.USAGE_STATUS;

    private static final String USAGE = """
            Usage: java -jar qgate-bench.jar routing-peers [--quick] [--out DIR] [options]

            Gateways that route as one, live: three gateways (in this JVM, peers over loopback UDP)
            share four simulated replicas; queue routing with 1 s scrapes without and with peers
            (peers.interval 10 modelled ms). p99 time to first token under Poisson load, then where
            a burst sent at once to all three gateways lands when their scrapes show one replica idle.

              --processes  each gateway a JVM of its own (the gateway's main from this jar's
                           class path), as a Deployment's pods are; default: in this JVM

            The options of the routing command (see routing --help): --quick, --out, --load,
            --capacity, --duration, --time-scale, --max-num-seqs, --workload, --seed.
            """;

    private PeersCommand() {}

    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        boolean processes = Arrays.asList(args).contains("--processes");
        String[] rest = Arrays.stream(args).filter(arg -> !arg.equals("--processes")).toArray(String[]::new);
        return StudyCli.run("routing-peers", USAGE, rest, out, err, RoutingCommand::parse, ScenarioOptions::out,
                (options, progress) -> PeersLive.run(options, progress, processes));
    }
}
