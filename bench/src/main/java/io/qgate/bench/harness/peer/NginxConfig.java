package io.qgate.bench.harness.peer;

/**
 * nginx as a platform team would put it in front of LLM replicas: HTTP/1.1 keep-alive to the
 * replicas, response buffering off so that SSE events pass as they come, long read timeouts for
 * long generations. Access logging is off (qgate keeps none either), and keep-alive connections
 * are not recycled after 1,000 requests (nginx's default), since neither qgate nor HAProxy does that.
 */
final class NginxConfig {

    private NginxConfig() {}

    static String render(PeerConfig config) {
        StringBuilder servers = new StringBuilder();
        for (int port : config.replicas()) {
            servers.append("    server 127.0.0.1:").append(port).append(" max_fails=0;\n");
        }
        String balance = config.balance().nginxDirective().isEmpty() ? ""
                : "    " + config.balance().nginxDirective() + ";\n";
        String dir = config.dir().toAbsolutePath().toString();
        return "worker_processes " + config.workers() + ";\n"
                + "daemon off;\n"
                + "master_process on;\n"
                + "pid " + dir + "/nginx.pid;\n"
                + "error_log " + dir + "/error.log warn;\n"
                + "events {\n"
                + "  worker_connections " + PeerConfig.MAX_CONNECTIONS + ";\n"
                + "  multi_accept on;\n"
                + "}\n"
                + "http {\n"
                + "  access_log off;\n"
                + "  client_body_temp_path " + dir + "/client-body;\n"
                + "  proxy_temp_path " + dir + "/proxy;\n"
                + "  fastcgi_temp_path " + dir + "/fastcgi;\n"
                + "  uwsgi_temp_path " + dir + "/uwsgi;\n"
                + "  scgi_temp_path " + dir + "/scgi;\n"
                + "  keepalive_requests 1000000;\n"
                + "  keepalive_timeout 300s;\n"
                + "  upstream replicas {\n"
                + balance
                + "    zone replicas 1m;\n"
                + servers
                + "    keepalive 512;\n"
                + "    keepalive_requests 1000000;\n"
                + "    keepalive_timeout 60s;\n"
                + "  }\n"
                + "  server {\n"
                + "    listen 127.0.0.1:" + config.port() + " backlog=4096;\n"
                + "    client_max_body_size 16m;\n"
                + "    location / {\n"
                + "      proxy_pass http://replicas;\n"
                + "      proxy_http_version 1.1;\n"
                + "      proxy_set_header Connection \"\";\n"
                + "      proxy_buffering off;\n"
                + "      proxy_request_buffering off;\n"
                + "      proxy_read_timeout 600s;\n"
                + "      proxy_send_timeout 600s;\n"
                + "    }\n"
                + "  }\n"
                + "}\n";
    }
}
