package io.qgate.bench;

import io.qgate.bench.cli.CommandLine;
import io.qgate.bench.cli.Flags;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * The README's first command: three simulated replicas and the gateway in one process on
 * localhost, with curl examples to try. Ctrl-C stops everything.
 */
public final class DemoCommand {

    private static final String USAGE = """
            Usage: java -jar qgate-bench.jar demo [--port 8080] [--admin-port 9090] [--replicas 3]
                                                  [--first-replica-port 8001] [--time-scale 1]

            Starts simulated LiteLLM + vLLM replicas on consecutive ports from --first-replica-port
            and the gateway in front of them, all on 127.0.0.1. --time-scale 0.1 runs the
            simulated model ten times faster.
            """;

    private DemoCommand() {}

    public static int run(String[] args) {
        return CommandLine.run("demo", USAGE, args, System.out, System.err, DemoCommand::parse, DemoCommand::start);
    }

    /** What the demo starts. */
    private record Options(int port, int adminPort, int replicas, int firstReplicaPort, double timeScale) {}

    private static Options parse(String[] args) {
        Flags flags = Flags.parse(args, Set.of("--port", "--admin-port", "--replicas", "--first-replica-port",
                "--time-scale"), Set.of());
        int replicas = flags.whole("--replicas", 3);
        if (replicas < 1 || replicas > 64) {
            throw new IllegalArgumentException("--replicas: " + replicas + " (expected: 1-64)");
        }
        return new Options(flags.whole("--port", 8080), flags.whole("--admin-port", 9090), replicas,
                flags.whole("--first-replica-port", 8001), flags.number("--time-scale", 1.0));
    }

    private static int start(Options options) {
        DemoFleet fleet;
        try {
            fleet = DemoFleet.start(options.port(), options.adminPort(), options.replicas(),
                    options.firstReplicaPort(), options.timeScale());
        } catch (RuntimeException e) {
            System.err.println("demo: could not start: " + e.getMessage()
                    + " (is a port taken? try --port, --admin-port, --first-replica-port)");
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            fleet.close();
            stopped.countDown();
        }, "qgate-demo-shutdown"));
        System.out.print(fleet.instructions());
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
