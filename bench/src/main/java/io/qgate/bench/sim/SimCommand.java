package io.qgate.bench.sim;

import io.qgate.bench.cli.CommandLine;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code sim [options]}: runs one simulated replica until the process is stopped. */
public final class SimCommand {

    private static final Logger log = LoggerFactory.getLogger(SimCommand.class);

    private SimCommand() {}

    public static void main(String[] args) {
        int code = run(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    /**
     * Starts a replica from command-line flags and blocks until the JVM shuts down (Ctrl-C).
     *
     * @return 0 after a clean stop or {@code --help}, 2 for invalid flags, 1 when it cannot start
     */
    public static int run(String[] args) {
        return CommandLine.run("sim", SimOptions.usage(), args, System.out, System.err, SimOptions::parse,
                SimCommand::serve);
    }

    private static int serve(SimOptions options) {
        SimServer server;
        try {
            server = SimServer.start(options);
        } catch (IllegalStateException e) {
            System.err.println("sim: " + e.getMessage() + (e.getCause() == null ? "" : ": " + e.getCause()));
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "qgate-sim-shutdown"));
        log.info("qgate sim serving {} on http://{}:{} (metrics on port {}, max-num-seqs {}, time scale {}, seed {}, "
                        + "proxy work {} ms on {} worker(s))", options.model(), options.host(), server.port(),
                server.metricsPort(), options.maxNumSeqs(), options.timeScale(), options.seed(), options.proxyCpuMs(),
                options.proxyWorkers());
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.close();
        }
        return 0;
    }
}
