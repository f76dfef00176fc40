package io.qgate.bench.prometheus;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The autoscaling side of {@code deploy/} as the tests use it, read from the repository at test
 * time (relative to the bench module, where Maven runs its tests): the prometheus-adapter rules,
 * the KEDA triggers, the LiteLLM HPA, the PrometheusRule, the ServiceMonitor and the gateway
 * Service. Nothing here restates what those files say; it only reads them.
 */
final class ScalingManifests {

    static final Path DEPLOY = Path.of("..", "deploy");
    static final String ADAPTER_CONFIG = "overlays/kubernetes/prometheus-adapter-config.yaml";
    static final List<String> KEDA_SCALED_OBJECTS = List.of(
            "overlays/openshift/keda-scaledobject.yaml", "overlays/kubernetes-keda/keda-scaledobject.yaml");
    static final String LITELLM_HPA = "base/litellm-hpa.yaml";
    static final String PROMETHEUS_RULES = "base/prometheus-rules.yaml";
    static final String SERVICE_MONITORS = "base/servicemonitor.yaml";
    static final String GATEWAY_SERVICE = "base/gateway-service.yaml";
    static final String KUBERNETES_OVERLAY = "overlays/kubernetes/kustomization.yaml";
    static final String DASHBOARD = "grafana/qgate-dashboard.json";

    /**
     * The model pool the tests' gateways serve: they are given static endpoints, which are the pool
     * {@code default}. The manifests select their model's pool by name ({@code pool: llama} in the
     * HPA, {@code pool="llama"} in the KEDA queries); read here, that name is replaced by this one,
     * so each query still selects one pool exactly as deployed.
     */
    static final String TEST_POOL = "default";

    private static final YAMLMapper YAML = YAMLMapper.builder().build();
    private static final Pattern TEMPLATE_FIELD = Pattern.compile("<<\\s*\\.(\\w+)\\s*>>");
    private static final Pattern GO_GROUP_REF = Pattern.compile("\\$(\\d+)|\\$\\{(\\d+)}");

    private ScalingManifests() {}

    /** One prometheus-adapter discovery rule ({@code rules} or {@code externalRules}). */
    record AdapterRule(boolean external, String seriesQuery, Map<String, String> resourceByLabel,
                       boolean namespaced, String nameMatches, String nameAs, String metricsQuery) {

        /** The Prometheus label that holds a resource (e.g. {@code service}), from the overrides. */
        String labelFor(String resource) {
            return resourceByLabel.entrySet().stream().filter(e -> e.getValue().equals(resource))
                    .map(Map.Entry::getKey).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no label for resource " + resource + " in " + this));
        }

        /** The API metric name the adapter gives a series, or null when the rule's name pattern does not match it. */
        String metricNameFor(String seriesName) {
            Matcher matcher = Pattern.compile(nameMatches.isEmpty() ? ".*" : nameMatches).matcher(seriesName);
            if (!matcher.find()) {
                return null;
            }
            String as = nameAs;
            if (as.isEmpty()) {
                as = matcher.groupCount() == 0 ? "$0" : "$1";
            }
            StringBuilder name = new StringBuilder();
            Matcher ref = GO_GROUP_REF.matcher(as);
            int last = 0;
            while (ref.find()) {
                name.append(as, last, ref.start());
                int group = Integer.parseInt(ref.group(1) != null ? ref.group(1) : ref.group(2));
                name.append(matcher.group(group));
                last = ref.end();
            }
            return name.append(as.substring(last)).toString();
        }

        /**
         * The query the adapter sends to Prometheus: {@code metricsQuery} with its Go template
         * fields filled in. Only the fields the qgate rules may use are known; any other one fails.
         */
        String expand(String series, String labelMatchers, String groupBy) {
            Map<String, String> fields = Map.of("Series", series, "LabelMatchers", labelMatchers, "GroupBy", groupBy);
            Matcher field = TEMPLATE_FIELD.matcher(metricsQuery);
            StringBuilder query = new StringBuilder();
            while (field.find()) {
                String value = fields.get(field.group(1));
                if (value == null) {
                    throw new IllegalStateException("template field " + field.group() + " not supported: " + metricsQuery);
                }
                field.appendReplacement(query, Matcher.quoteReplacement(value));
            }
            field.appendTail(query);
            if (query.indexOf("<<") >= 0) {
                throw new IllegalStateException("template not fully expanded: " + query);
            }
            return query.toString();
        }
    }

    /** A {@code type: prometheus} trigger of a KEDA ScaledObject. */
    record KedaTrigger(String file, String name, String query, String namespace) {}

    /** An HPA metric: Object (on a described object) or External. */
    record HpaMetric(String type, String name, Map<String, String> selector, String describedKind,
                     String describedName) {}

    /** The ServiceMonitor endpoint that scrapes one Service port. */
    record MonitorEndpoint(String port, String path, boolean honorLabels, List<Map<String, Object>> metricRelabelings) {}

    static String read(String file) {
        try {
            return Files.readString(DEPLOY.resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException("deploy/" + file + " (the tests read the manifests from the repository)", e);
        }
    }

    static JsonNode yaml(String file) {
        return YAML.readTree(read(file));
    }

    static List<JsonNode> yamlDocuments(String file) {
        return YAML.readerFor(JsonNode.class).<JsonNode>readValues(read(file)).readAll();
    }

    static List<AdapterRule> adapterRules() {
        JsonNode config = YAML.readTree(yaml(ADAPTER_CONFIG).path("data").path("config.yaml").asString());
        List<AdapterRule> rules = new ArrayList<>();
        for (String section : List.of("rules", "externalRules")) {
            for (JsonNode rule : config.path(section)) {
                Map<String, String> resourceByLabel = new LinkedHashMap<>();
                rule.path("resources").path("overrides").properties()
                        .forEach(e -> resourceByLabel.put(e.getKey(), e.getValue().path("resource").asString()));
                JsonNode namespaced = rule.path("resources").path("namespaced");
                rules.add(new AdapterRule(section.equals("externalRules"), rule.path("seriesQuery").asString(),
                        resourceByLabel, namespaced.isMissingNode() || namespaced.asBoolean(),
                        rule.path("name").path("matches").asString(""), rule.path("name").path("as").asString(""),
                        rule.path("metricsQuery").asString()));
            }
        }
        return rules;
    }

    /** The KEDA triggers of the first model's ScaledObjects, each query's pool read as {@link #TEST_POOL}. */
    static List<KedaTrigger> kedaTriggers() {
        return KEDA_SCALED_OBJECTS.stream().flatMap(file -> kedaTriggers(file).stream())
                .map(t -> new KedaTrigger(t.file(), t.name(),
                        t.query().replace("pool=\"" + deployedPool() + "\"", "pool=\"" + TEST_POOL + "\""),
                        t.namespace()))
                .toList();
    }

    /** The {@code type: prometheus} triggers of one ScaledObject file, as written. */
    static List<KedaTrigger> kedaTriggers(String file) {
        List<KedaTrigger> triggers = new ArrayList<>();
        for (JsonNode trigger : yaml(file).path("spec").path("triggers")) {
            if (trigger.path("type").asString().equals("prometheus")) {
                JsonNode metadata = trigger.path("metadata");
                triggers.add(new KedaTrigger(file, trigger.path("name").asString(),
                        metadata.path("query").asString(), metadata.path("namespace").asString(null)));
            }
        }
        return triggers;
    }

    /** The first model's HPA metrics, the pool selector read as {@link #TEST_POOL}. */
    static List<HpaMetric> litellmHpaMetrics() {
        return hpaMetrics(LITELLM_HPA).stream().map(m -> {
            Map<String, String> selector = new TreeMap<>(m.selector());
            selector.computeIfPresent("pool", (label, pool) -> TEST_POOL);
            return new HpaMetric(m.type(), m.name(), selector, m.describedKind(), m.describedName());
        }).toList();
    }

    /** The metrics of one HPA file, as written. */
    static List<HpaMetric> hpaMetrics(String file) {
        List<HpaMetric> metrics = new ArrayList<>();
        for (JsonNode metric : yaml(file).path("spec").path("metrics")) {
            String type = metric.path("type").asString();
            JsonNode spec = metric.path(type.substring(0, 1).toLowerCase() + type.substring(1));
            Map<String, String> selector = new TreeMap<>();
            spec.path("metric").path("selector").path("matchLabels").properties()
                    .forEach(e -> selector.put(e.getKey(), e.getValue().asString()));
            metrics.add(new HpaMetric(type, spec.path("metric").path("name").asString(), selector,
                    spec.path("describedObject").path("kind").asString(null),
                    spec.path("describedObject").path("name").asString(null)));
        }
        return metrics;
    }

    /**
     * The files under {@code dir} (relative to deploy/) whose name ends with {@code suffix} and
     * whose first document is of {@code kind}, sorted: every model's HPA or ScaledObject.
     */
    static List<String> files(String dir, String suffix, String kind) {
        try (var paths = Files.walk(DEPLOY.resolve(dir))) {
            return paths.filter(p -> p.getFileName().toString().endsWith(suffix))
                    .map(p -> DEPLOY.relativize(p).toString().replace('\\', '/'))
                    .filter(file -> yamlDocuments(file).get(0).path("kind").asString().equals(kind))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The pool the LiteLLM HPA's metrics select (the first model's, which the KEDA files scale as well). */
    static String deployedPool() {
        return yaml(LITELLM_HPA).path("spec").path("metrics").findValues("pool").get(0).asString();
    }

    /** The namespace the kubernetes overlay (the one with prometheus-adapter) deploys into. */
    static String kubernetesNamespace() {
        return yaml(KUBERNETES_OVERLAY).path("namespace").asString();
    }

    /** The gateway Service: its name and the port names it exposes. */
    static JsonNode gatewayService() {
        return yaml(GATEWAY_SERVICE);
    }

    /** The ServiceMonitor endpoint that selects the gateway Service. */
    static MonitorEndpoint gatewayMonitorEndpoint() {
        JsonNode service = gatewayService();
        for (JsonNode monitor : yamlDocuments(SERVICE_MONITORS)) {
            JsonNode matchLabels = monitor.path("spec").path("selector").path("matchLabels");
            boolean selects = !matchLabels.isEmpty();
            for (var label : matchLabels.properties()) {
                selects &= label.getValue().asString().equals(
                        service.path("metadata").path("labels").path(label.getKey()).asString(null));
            }
            if (selects) {
                JsonNode endpoint = monitor.path("spec").path("endpoints").path(0);
                List<Map<String, Object>> relabelings = new ArrayList<>();
                for (JsonNode relabeling : endpoint.path("metricRelabelings")) {
                    relabelings.add(YAML.convertValue(relabeling, Map.class));
                }
                return new MonitorEndpoint(endpoint.path("port").asString(), endpoint.path("path").asString("/metrics"),
                        endpoint.path("honorLabels").asBoolean(false), relabelings);
            }
        }
        throw new IllegalStateException("no ServiceMonitor in deploy/" + SERVICE_MONITORS + " selects the gateway Service");
    }

    /** The PrometheusRule's {@code spec} ({@code groups}) as a Prometheus rule file. */
    static String ruleFile() {
        ObjectNode file = YAML.createObjectNode();
        file.set("groups", yaml(PROMETHEUS_RULES).path("spec").path("groups"));
        return YAML.writeValueAsString(file);
    }

    /** All recording rules of the PrometheusRule: record name to expression. */
    static Map<String, String> recordingRules() {
        Map<String, String> records = new LinkedHashMap<>();
        for (JsonNode group : yaml(PROMETHEUS_RULES).path("spec").path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                if (rule.has("record")) {
                    records.put(rule.path("record").asString(), rule.path("expr").asString());
                }
            }
        }
        return records;
    }

    /** The expressions of the Grafana dashboard's panel targets that use {@code metric}. */
    static List<String> dashboardExpressions(String metric) {
        List<String> expressions = new ArrayList<>();
        for (JsonNode expr : tools.jackson.databind.json.JsonMapper.shared().readTree(read(DASHBOARD)).findValues("expr")) {
            if (expr.asString().contains(metric)) {
                expressions.add(expr.asString());
            }
        }
        return expressions;
    }

    /**
     * A dashboard expression as Grafana sends it with the namespace chosen, every pool ({@code .*},
     * the variable's "all", which also matches series without the label) and a 1 m rate interval.
     */
    static String dashboardQuery(String expr, String namespace) {
        return expr.replace("$namespace", namespace).replace("$pool", ".*").replace("$__rate_interval", "1m");
    }

    /** A ServiceMonitor relabeling in Prometheus's own configuration syntax (camelCase keys to snake_case). */
    static Map<String, Object> toPrometheusRelabel(Map<String, Object> monitorRelabeling) {
        Map<String, Object> relabel = new LinkedHashMap<>();
        monitorRelabeling.forEach((key, value) ->
                relabel.put(key.replaceAll("([A-Z])", "_$1").toLowerCase(), value));
        return relabel;
    }

    static String toYaml(Object value) {
        return YAML.writeValueAsString(value);
    }
}
