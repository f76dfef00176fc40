package io.qgate.gateway.config;

import java.util.List;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * One model pool: the replicas that serve some models, routed, scraped, admitted and batched on
 * their own. Its groups are the gateway's top-level ones with the pool's own keys over them,
 * except where the replicas come from, which each pool names itself.
 *
 * @param models the model names clients send that this pool serves, as configured (more are
 *               learnt from the replicas' {@code GET /v1/models})
 */
public record PoolConfig(String name, List<String> models, GatewayConfig.Discovery discovery,
                         GatewayConfig.Routing routing, GatewayConfig.Scrape scrape,
                         GatewayConfig.AdmissionLimits admission, GatewayConfig.Batching batching,
                         GatewayConfig.ScaleFromZero scaleFromZero) {

    /** The pool of the top-level replicas, when no pools are configured or beside those that are. */
    public static final String DEFAULT = "default";

    /** A pool name becomes a metric label value and a URL query: keep it plain. */
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9._-]{0,61}[a-z0-9])?");

    public PoolConfig {
        requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("pools: name " + (name.isEmpty() ? "missing" : "'" + name + "'")
                    + " (expected: lower-case letters, digits, '.', '_' or '-', at most 63)");
        }
        models = List.copyOf(models);
        requireNonNull(discovery, "discovery");
        requireNonNull(routing, "routing");
        requireNonNull(scrape, "scrape");
        requireNonNull(admission, "admission");
        requireNonNull(batching, "batching");
        requireNonNull(scaleFromZero, "scaleFromZero");
    }
}
