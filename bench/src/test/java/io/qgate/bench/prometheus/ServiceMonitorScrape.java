package io.qgate.bench.prometheus;

import io.qgate.bench.prometheus.ScalingManifests.MonitorEndpoint;
import io.qgate.bench.sim.SimServer;
import io.qgate.gateway.Gateway;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Prometheus scrape jobs that stand in for the Prometheus Operator's ServiceMonitors of
 * {@code deploy/base/servicemonitor.yaml}: each target gets, as static labels, the target labels
 * the operator gives a pod found through a Service ({@code namespace}, {@code service}, {@code pod},
 * {@code container}, and {@code endpoint} the ServiceMonitor's port name), so that the namespace
 * and service matchers of the rules, the adapter and the dashboard hold here as in a cluster, and
 * the label clashes of a cluster happen here too.
 */
final class ServiceMonitorScrape {

    /** The name of the LiteLLM Service, whose ServiceMonitor scrapes the engines' metrics port. */
    static final String REPLICA_SERVICE = "litellm";

    private ServiceMonitorScrape() {}

    /** The gateways as the targets of the ServiceMonitor that selects the gateway Service, with its relabelings. */
    static Map<String, Object> gatewayJob(String namespace, String service, MonitorEndpoint monitor,
                                          List<Gateway> gateways) {
        List<Map<String, Object>> targets = new ArrayList<>();
        for (int i = 0; i < gateways.size(); i++) {
            targets.add(target(namespace, service, service + "-" + i, service, monitor.port(),
                    gateways.get(i).adminPort()));
        }
        Map<String, Object> job = job(service, monitor.path(), targets);
        job.put("honor_labels", monitor.honorLabels());
        if (!monitor.metricRelabelings().isEmpty()) {
            job.put("metric_relabel_configs", monitor.metricRelabelings().stream()
                    .map(ScalingManifests::toPrometheusRelabel).toList());
        }
        return job;
    }

    /** Simulated replicas as the targets of the litellm-vllm ServiceMonitor: the vLLM container's metrics port. */
    static Map<String, Object> replicaJob(String namespace, List<SimServer> replicas) {
        List<Map<String, Object>> targets = new ArrayList<>();
        for (int i = 0; i < replicas.size(); i++) {
            targets.add(target(namespace, REPLICA_SERVICE, REPLICA_SERVICE + "-" + i, "vllm", "metrics",
                    replicas.get(i).metricsPort()));
        }
        return job(REPLICA_SERVICE, "/metrics", targets);
    }

    /** A configuration scraping and evaluating every second, with {@code ruleFile} beside it. */
    static String config(String ruleFile, List<Map<String, Object>> jobs) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("global", Map.of("scrape_interval", "1s", "scrape_timeout", "900ms", "evaluation_interval", "1s"));
        config.put("rule_files", List.of(ruleFile));
        config.put("scrape_configs", jobs);
        return ScalingManifests.toYaml(config);
    }

    private static Map<String, Object> target(String namespace, String service, String pod, String container,
                                              String port, int localPort) {
        Map<String, Object> labels = new LinkedHashMap<>();
        labels.put("namespace", namespace);
        labels.put("service", service);
        labels.put("pod", pod);
        labels.put("container", container);
        labels.put("endpoint", port);
        return Map.of("targets", List.of("127.0.0.1:" + localPort), "labels", labels);
    }

    private static Map<String, Object> job(String name, String path, List<Map<String, Object>> targets) {
        Map<String, Object> job = new LinkedHashMap<>();
        job.put("job_name", name);
        job.put("metrics_path", path);
        job.put("static_configs", targets);
        return job;
    }
}
