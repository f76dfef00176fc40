package io.qgate.bench;

import io.qgate.bench.sim.SimServer;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** How many requests a simulated replica has finished, read from its vLLM metrics. */
final class Served {

    private static final Pattern SUCCESS = Pattern.compile("vllm:request_success_total\\{[^}]*} ([0-9.e+]+)");

    private Served() {}

    static double by(SimServer replica) {
        Matcher matcher = SUCCESS.matcher(replica.metricsText());
        double total = 0;
        while (matcher.find()) {
            total += Double.parseDouble(matcher.group(1));
        }
        return total;
    }
}
