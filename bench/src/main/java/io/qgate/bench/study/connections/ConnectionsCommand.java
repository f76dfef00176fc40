package io.qgate.bench.study.connections;

import io.qgate.bench.cli.CommandLine;
import io.qgate.bench.harness.JsonFiles;
import io.qgate.bench.study.suite.Report;
import java.io.PrintStream;

/** {@code connections}: many concurrent streams through one gateway; writes {@code connections.json}. */
public final class ConnectionsCommand {

    static final String USAGE = """
            Usage: java -jar qgate-bench.jar connections [--quick] [--out DIR] [options]

            Concurrent streaming clients through one gateway on loopback: the replica stub, the gateway and
            the load generator run as three processes (each stream costs the gateway two sockets, and a
            process here may hold at most 20,000 open files). Streams open at a steady rate and last longer
            than the ramp, so that all are open at once for a while; then the gateway's open files, heap
            (jcmd, when the JDK has it) and RSS are read. Errors must be 0. About a minute by default.

              --streams N          concurrent streams (default 8000; quick 50)
              --ramp-rate R        new streams per second (default 1000; quick 100)
              --events N           events per stream (default 60; quick 10)
              --event-interval D   pause between events (default 500ms; quick 200ms)
              --replicas N         replica stub listeners (default 4)
              --heap SIZE          the gateway's -Xmx (default 512m)
              --out DIR            where connections.json goes (default bench/results/<today>)
            """;

    private ConnectionsCommand() {}

    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        return CommandLine.run("connections", USAGE, args, out, err,
                a -> ConnectionsOptions.parse(a, JsonFiles.todaysResults()), options -> {
                    CommandLine.quietGatewayLogs();
                    ConnectionsResult result = ConnectionsBenchmark.run(options, err);
                    JsonFiles.write(result, options.out(), ConnectionsResult.FILE);
                    out.println("report:  " + Report.render(options.out()));
                    out.println("results: " + options.out().resolve(ConnectionsResult.FILE));
                    return result.errors() == 0 ? 0 : 1;
                });
    }
}
