package io.qgate.deploy;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.qgate.deploy.CustomResources.ScaledObject;
import io.qgate.deploy.CustomResources.Trigger;
import io.qgate.gateway.config.ConfigLoader;
import io.qgate.gateway.config.GatewayConfig;
import io.qgate.gateway.config.PoolConfig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The model pools of the shipped qgate.yaml as the gateway reads them, the model Deployment
 * behind each, and the pools that PromQL and metric selectors name.
 */
final class DeployedPools {

    /** {@code pool="x"} or {@code pool=~"x|y"}; negations and {@code pool!=""} select no pool by name. */
    private static final Pattern POOL_MATCHER = Pattern.compile("\\bpool\\s*(=~|=)\\s*\"([^\"]*)\"");
    private static final String MODEL_SERVER = "model-server";

    private DeployedPools() {}

    /** deploy/base/qgate.yaml, loaded by the gateway's own ConfigLoader. */
    static GatewayConfig gatewayConfig() {
        String file = DeployFiles.deployDir().resolve("base/qgate.yaml").toString();
        return ConfigLoader.load(new String[] {"--config", file}, Map.of());
    }

    /** Each pool's name and the Kubernetes Service it discovers. */
    static Map<String, String> servicesByPool() {
        Map<String, String> services = new LinkedHashMap<>();
        for (PoolConfig pool : gatewayConfig().pools().list()) {
            services.put(pool.name(), pool.discovery().kubernetes().service());
        }
        return services;
    }

    /** The pool names an expression selects. */
    static Set<String> poolsIn(String expr) {
        Set<String> pools = new LinkedHashSet<>();
        Matcher matcher = POOL_MATCHER.matcher(expr);
        while (matcher.find()) {
            for (String pool : matcher.group(2).split("\\|")) {
                pools.add(pool);
            }
        }
        return pools;
    }

    /** The Deployments that serve models (labelled component: model-server); the gateway is not one. */
    static List<Deployment> modelDeployments(Rendered rendered) {
        return rendered.all(Deployment.class).stream()
                .filter(d -> MODEL_SERVER.equals(d.getMetadata().getLabels().get("app.kubernetes.io/component")))
                .toList();
    }

    /** The pools whose Service selects the Deployment's pods: one for a model Deployment. */
    static List<String> poolsServedBy(Rendered rendered, Deployment deployment) {
        List<String> pools = new ArrayList<>();
        servicesByPool().forEach((pool, service) -> rendered.find(Service.class, service)
                .filter(s -> Rendered.matches(s.getSpec().getSelector(), deployment.getSpec().getTemplate()))
                .ifPresent(s -> pools.add(pool)));
        return pools;
    }

    /** An autoscaler of a rendered overlay, with the pools each of its signals selects. */
    record Autoscaler(String id, String target, Map<String, Set<String>> poolsBySignal) {}

    /** Every HPA (its Object and External metrics, by metric selector) and ScaledObject (by query). */
    static List<Autoscaler> autoscalers(Rendered rendered) {
        List<Autoscaler> autoscalers = new ArrayList<>();
        for (HorizontalPodAutoscaler hpa : rendered.all(HorizontalPodAutoscaler.class)) {
            Map<String, Set<String>> pools = new LinkedHashMap<>();
            for (MetricSpec metric : hpa.getSpec().getMetrics()) {
                var identifier = metric.getObject() != null ? metric.getObject().getMetric()
                        : metric.getExternal() != null ? metric.getExternal().getMetric() : null;
                if (identifier != null) {
                    Map<String, String> labels = identifier.getSelector() == null ? Map.of()
                            : Rendered.matchLabels(identifier.getSelector());
                    pools.put(identifier.getName(), labels.containsKey("pool") ? Set.of(labels.get("pool")) : Set.of());
                }
            }
            autoscalers.add(new Autoscaler("HorizontalPodAutoscaler/" + hpa.getMetadata().getName(),
                    hpa.getSpec().getScaleTargetRef().getName(), pools));
        }
        for (ScaledObject scaled : rendered.all(ScaledObject.class)) {
            Map<String, Set<String>> pools = new LinkedHashMap<>();
            for (Trigger trigger : scaled.spec().triggers()) {
                pools.put(trigger.name(), poolsIn(trigger.metadata().get("query")));
            }
            autoscalers.add(new Autoscaler("ScaledObject/" + scaled.name(), scaled.spec().scaleTargetRef().name(), pools));
        }
        return autoscalers;
    }
}
