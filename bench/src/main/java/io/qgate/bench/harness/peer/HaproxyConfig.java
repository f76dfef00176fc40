package io.qgate.bench.harness.peer;

/**
 * HAProxy in HTTP mode with the same intent as the nginx configuration: keep-alive on both sides
 * with idle upstream connections reused across clients ({@code http-reuse always}), no logging,
 * long server timeouts for long generations. HAProxy forwards response data as it arrives, so
 * SSE needs no setting.
 */
final class HaproxyConfig {

    private HaproxyConfig() {}

    static String render(PeerConfig config) {
        StringBuilder servers = new StringBuilder();
        int index = 0;
        for (int port : config.replicas()) {
            servers.append("  server replica").append(++index).append(" 127.0.0.1:").append(port).append('\n');
        }
        return "global\n"
                + "  nbthread " + config.workers() + "\n"
                + "  maxconn " + PeerConfig.MAX_CONNECTIONS + "\n"
                + "  pidfile " + config.dir().toAbsolutePath() + "/haproxy.pid\n"
                + "\n"
                + "defaults\n"
                + "  mode http\n"
                + "  option http-keep-alive\n"
                + "  http-reuse always\n"
                + "  timeout connect 2s\n"
                + "  timeout client 600s\n"
                + "  timeout server 600s\n"
                + "  timeout http-keep-alive 300s\n"
                + "  timeout http-request 30s\n"
                + "\n"
                + "frontend clients\n"
                + "  bind 127.0.0.1:" + config.port() + "\n"
                + "  maxconn " + PeerConfig.MAX_CONNECTIONS + "\n"
                + "  default_backend replicas\n"
                + "\n"
                + "backend replicas\n"
                + "  balance " + config.balance().haproxyAlgorithm() + "\n"
                + servers;
    }
}
