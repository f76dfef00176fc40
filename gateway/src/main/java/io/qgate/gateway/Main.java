package io.qgate.gateway;

import io.qgate.gateway.config.ConfigLoader;
import io.qgate.gateway.config.GatewayConfig;

/**
 * {@code java -jar qgate-gateway.jar [--config FILE] [--port 8080] [--admin-port 9090]
 * [--endpoints http://127.0.0.1:8001,...]}; {@code --help} lists every option.
 * SIGTERM (or Ctrl-C) drains before exiting.
 */
public final class Main {

    private Main() {}

    /** Netty's own property names; either one set on the command line wins over our default. */
    static final String LEAK_DETECTION = "io.netty.leakDetection.level";
    static final String LEAK_DETECTION_OLD = "io.netty.leakDetectionLevel";

    public static void main(String[] args) throws InterruptedException {
        leakDetectionOffUnlessAsked();
        GatewayConfig config;
        try {
            config = ConfigLoader.load(args, System.getenv());
        } catch (ConfigLoader.HelpRequested help) {
            System.out.print(help.getMessage());
            return;
        } catch (IllegalArgumentException e) {
            System.err.println("qgate: " + e.getMessage());
            System.exit(2);
            return;
        }
        Gateway gateway;
        try {
            gateway = Gateway.start(config);
        } catch (Exception e) {
            // Typically a port already in use: say so in one line, not a stack trace.
            System.err.println("qgate: cannot start on " + config.server().host() + ":" + config.server().port()
                    + " (admin :" + config.server().adminPort() + "): " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(gateway::shutdownGracefully, "qgate-shutdown"));
        gateway.awaitClosed();
    }

    /**
     * Netty samples one buffer in 128 for leak tracking by default and records a stack trace for
     * each sampled buffer: 2-3% of the gateway's CPU under load in a perf profile (2026-11-28,
     * most of it filling in stack traces), on the path of every request. The tests run with
     * paranoid detection and fail on any leak, and the soak runs with it, so production runs
     * without it; {@code -Dio.netty.leakDetection.level=simple} (e.g. in
     * {@code JAVA_TOOL_OPTIONS}) turns it back on. Must run before Netty is loaded.
     */
    static void leakDetectionOffUnlessAsked() {
        if (System.getProperty(LEAK_DETECTION) == null && System.getProperty(LEAK_DETECTION_OLD) == null) {
            System.setProperty(LEAK_DETECTION, "disabled");
        }
    }
}
