package io.qgate.deploy;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBehavior;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Strict schemas of the custom resources the manifests use and fabric8 8 has no model for on this
 * build (its OpenShift and monitoring model artifacts could not be resolved from the registry):
 * ServiceMonitor and PrometheusRule (Prometheus Operator), Route (OpenShift), ScaledObject and
 * TriggerAuthentication (KEDA), VerticalPodAutoscaler. Each record declares the subset of the CRD's fields that
 * deploy/ uses, named as in the CRD; they are read with unknown fields failing, so a misspelt or
 * misplaced field fails the test. A field the CRD has but this subset lacks fails as well and
 * must be added here on purpose. Nested standard types (metadata, label selectors, the HPA
 * behaviour) are fabric8's models and are checked like every fabric8 object.
 */
final class CustomResources {

    private CustomResources() {}

    /** The record for an apiVersion and kind, or {@code null}. */
    static Class<? extends Record> schema(String apiVersion, String kind) {
        return SCHEMAS.get(apiVersion + "/" + kind);
    }

    private static final Map<String, Class<? extends Record>> SCHEMAS = Map.of(
            "monitoring.coreos.com/v1/ServiceMonitor", ServiceMonitor.class,
            "monitoring.coreos.com/v1/PrometheusRule", PrometheusRule.class,
            "route.openshift.io/v1/Route", Route.class,
            "keda.sh/v1alpha1/ScaledObject", ScaledObject.class,
            "keda.sh/v1alpha1/TriggerAuthentication", TriggerAuthentication.class,
            "autoscaling.k8s.io/v1/VerticalPodAutoscaler", VerticalPodAutoscaler.class);

    /** A custom resource's metadata. */
    interface Resource {
        ObjectMeta metadata();

        default String name() {
            return metadata().getName();
        }
    }

    // --- monitoring.coreos.com/v1 ---------------------------------------------------------

    record ServiceMonitor(String apiVersion, String kind, ObjectMeta metadata, ServiceMonitorSpec spec)
            implements Resource {}

    record ServiceMonitorSpec(LabelSelector selector, NamespaceSelector namespaceSelector, String jobLabel,
                              List<String> targetLabels, List<String> podTargetLabels,
                              List<MonitorEndpoint> endpoints) {}

    record NamespaceSelector(Boolean any, List<String> matchNames) {}

    record MonitorEndpoint(String port, String path, String scheme, String interval, String scrapeTimeout,
                           Boolean honorLabels, List<RelabelConfig> relabelings,
                           List<RelabelConfig> metricRelabelings) {}

    record RelabelConfig(List<String> sourceLabels, String separator, String targetLabel, String regex,
                         String replacement, String action) {}

    record PrometheusRule(String apiVersion, String kind, ObjectMeta metadata, PrometheusRuleSpec spec)
            implements Resource {}

    record PrometheusRuleSpec(List<RuleGroup> groups) {}

    record RuleGroup(String name, String interval, Integer limit, List<Rule> rules) {}

    record Rule(String record, String alert, String expr, @JsonProperty("for") String forDuration,
                Map<String, String> labels, Map<String, String> annotations) {}

    // --- route.openshift.io/v1 ------------------------------------------------------------

    record Route(String apiVersion, String kind, ObjectMeta metadata, RouteSpec spec) implements Resource {}

    record RouteSpec(String host, String path, RouteTarget to, List<RouteTarget> alternateBackends,
                     RoutePort port, RouteTls tls, String wildcardPolicy) {}

    record RouteTarget(String kind, String name, Integer weight) {}

    record RoutePort(IntOrString targetPort) {}

    record RouteTls(String termination, String insecureEdgeTerminationPolicy, String certificate, String key,
                    String caCertificate, String destinationCACertificate) {}

    // --- keda.sh/v1alpha1 -----------------------------------------------------------------

    record ScaledObject(String apiVersion, String kind, ObjectMeta metadata, ScaledObjectSpec spec)
            implements Resource {}

    record ScaledObjectSpec(ScaleTarget scaleTargetRef, Integer pollingInterval, Integer cooldownPeriod,
                            Integer initialCooldownPeriod, Integer idleReplicaCount, Integer minReplicaCount,
                            Integer maxReplicaCount, Advanced advanced, Fallback fallback,
                            List<Trigger> triggers) {}

    record ScaleTarget(String apiVersion, String kind, String name, String envSourceContainerName) {}

    record Advanced(Boolean restoreToOriginalReplicaCount, HpaConfig horizontalPodAutoscalerConfig) {}

    record HpaConfig(String name, HorizontalPodAutoscalerBehavior behavior) {}

    record Fallback(Integer failureThreshold, Integer replicas) {}

    record Trigger(String type, String name, String metricType, Boolean useCachedMetrics,
                   Map<String, String> metadata, AuthenticationRef authenticationRef) {}

    record AuthenticationRef(String name, String kind) {}

    /** The metadata keys KEDA's prometheus scaler reads (its documentation's parameter list). */
    static final Set<String> PROMETHEUS_TRIGGER_KEYS = Set.of(
            "serverAddress", "query", "threshold", "activationThreshold", "namespace", "authModes",
            "ignoreNullValues", "unsafeSsl", "customHeaders", "queryParameters", "timeout");

    record TriggerAuthentication(String apiVersion, String kind, ObjectMeta metadata,
                                 TriggerAuthenticationSpec spec) implements Resource {}

    record TriggerAuthenticationSpec(List<SecretTargetRef> secretTargetRef) {}

    record SecretTargetRef(String parameter, String name, String key) {}

    /** The secret parameters of the prometheus scaler's authentication modes. */
    static final Set<String> PROMETHEUS_AUTH_PARAMETERS = Set.of(
            "bearerToken", "ca", "cert", "key", "keyPassword", "username", "password",
            "customAuthHeader", "customAuthValue");

    // --- autoscaling.k8s.io/v1 (the Vertical Pod Autoscaler) -----------------------------------

    record VerticalPodAutoscaler(String apiVersion, String kind, ObjectMeta metadata, VpaSpec spec)
            implements Resource {}

    record VpaSpec(VpaTarget targetRef, VpaUpdatePolicy updatePolicy, VpaResourcePolicy resourcePolicy,
                   List<VpaRecommender> recommenders) {}

    record VpaTarget(String apiVersion, String kind, String name) {}

    record VpaUpdatePolicy(String updateMode, Integer minReplicas) {}

    record VpaResourcePolicy(List<VpaContainerPolicy> containerPolicies) {}

    record VpaContainerPolicy(String containerName, String mode, Map<String, String> minAllowed,
                              Map<String, String> maxAllowed, List<String> controlledResources,
                              String controlledValues) {}

    record VpaRecommender(String name) {}
}
