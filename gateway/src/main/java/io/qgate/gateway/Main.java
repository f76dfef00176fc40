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

    public static void main(String[] args) throws InterruptedException {
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
            System.err.println("qgate: cannot start on " + config.host() + ":" + config.port() + " (admin :"
                    + config.adminPort() + "): " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(gateway::shutdownGracefully, "qgate-shutdown"));
        gateway.awaitClosed();
    }
}
