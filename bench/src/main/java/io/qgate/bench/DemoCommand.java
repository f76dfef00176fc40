package io.qgate.bench;

import io.qgate.bench.cli.CommandLine;
import io.qgate.bench.cli.Flags;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * The README's first command: three simulated replicas and the gateway in one process on
 * localhost, with curl examples to try; with {@code --load}, traffic that makes the replicas'
 * queues form as well. Ctrl-C stops everything.
 */
public final class DemoCommand {

    private static final String USAGE = """
            Usage: java -jar qgate-bench.jar demo [--port 8080] [--admin-port 9090] [--replicas 3]
                                                  [--first-replica-port 8001] [--time-scale 1] [--load]

            Starts simulated LiteLLM + vLLM replicas on consecutive ports from --first-replica-port
            and the gateway in front of them, all on 127.0.0.1. Each replica runs at most 8
            requests at once; the last one is twice as slow as the others. --time-scale 0.1 runs
            the simulated model ten times faster. --load also starts the load generator at about
            120% of what the replicas finish, so that queues form, and prints its progress every
            second; watch the routing on the admin port's status page.
            """;

    private DemoCommand() {}

    public static int run(String[] args) {
        return CommandLine.run("demo", USAGE, args, System.out, System.err, DemoCommand::parse, DemoCommand::start);
    }

    /** What the demo starts; {@code load}: the load generator too. */
    record Options(int port, int adminPort, int replicas, int firstReplicaPort, double timeScale, boolean load) {}

    static Options parse(String[] args) {
        Flags flags = Flags.parse(args, Set.of("--port", "--admin-port", "--replicas", "--first-replica-port",
                "--time-scale"), Set.of("--load"));
        int replicas = flags.whole("--replicas", 3);
        if (replicas < 1 || replicas > 64) {
            throw new IllegalArgumentException("--replicas: " + replicas + " (expected: 1-64)");
        }
        double timeScale = flags.number("--time-scale", 1.0);
        boolean load = flags.on("--load");
        if (load && !(timeScale > 0)) {
            throw new IllegalArgumentException("--time-scale: " + timeScale
                    + " with --load (expected: > 0; replicas that answer at once never queue)");
        }
        return new Options(flags.whole("--port", 8080), flags.whole("--admin-port", 9090), replicas,
                flags.whole("--first-replica-port", 8001), timeScale, load);
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
        System.out.print(fleet.instructions());
        Thread load = null;
        if (options.load()) {
            System.out.printf(Locale.ROOT, "Load running: %.1f streamed chat completions a second, about %.0f%% of the"
                    + " %.1f the replicas finish; progress every second, Ctrl-C stops it.%n%n", fleet.loadRate(),
                    DemoFleet.LOAD_SHARE * 100, fleet.capacity());
            load = DemoLoad.start(fleet, System.err);
        }
        Thread loadToStop = load;
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (loadToStop != null) {
                // The load first, then at once the rest: the replicas' queues would not drain in time.
                loadToStop.interrupt();
                fleet.stopNow();
            } else {
                fleet.close();
            }
            stopped.countDown();
        }, "qgate-demo-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
