package io.qgate.bench;


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
        int port = 8080;
        int adminPort = 9090;
        int replicas = 3;
        int firstReplicaPort = 8001;
        double timeScale = 1.0;
        try {
            for (int i = 0; i < args.length; i++) {
                String flag = args[i];
                if (flag.equals("--help") || flag.equals("-h")) {
                    System.out.print(USAGE);
                    return 0;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(flag + ": missing value");
                }
                String value = args[++i];
                switch (flag) {
                    case "--port" -> port = Integer.parseInt(value);
                    case "--admin-port" -> adminPort = Integer.parseInt(value);
                    case "--replicas" -> replicas = Integer.parseInt(value);
                    case "--first-replica-port" -> firstReplicaPort = Integer.parseInt(value);
                    case "--time-scale" -> timeScale = Double.parseDouble(value);
                    default -> throw new IllegalArgumentException("unknown option: " + flag);
                }
            }
            if (replicas < 1 || replicas > 64) {
                throw new IllegalArgumentException("--replicas: " + replicas + " (expected: 1-64)");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("demo: " + e.getMessage() + " (see --help)");
            return 2;
        }

        DemoFleet fleet;
        try {
            fleet = DemoFleet.start(port, adminPort, replicas, firstReplicaPort, timeScale);
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
