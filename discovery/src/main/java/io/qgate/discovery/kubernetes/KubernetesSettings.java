package io.qgate.discovery.kubernetes;

import java.util.Locale;

import static java.util.Objects.requireNonNull;

/**
 * What to discover: the Service whose replicas the gateway routes to, where, through which API,
 * and which of its ports carry the OpenAI API and the engine metrics.
 *
 * @param service     the Service name (the {@code kubernetes.io/service-name} label of its slices)
 * @param namespace   the namespace, or empty for the pod's own (else the kubeconfig context's)
 * @param api         which API to read
 * @param portName    the serving port's name, or empty for the first port
 * @param metricsPort the engine metrics port as a name or a number, or empty for none
 */
public record KubernetesSettings(String service, String namespace, Api api, String portName, String metricsPort) {

    /** Which Kubernetes API lists the replicas. */
    public enum Api {
        /** EndpointSlices, falling back to Endpoints when slices cannot be listed (404 or 403). */
        AUTO,
        ENDPOINTSLICES,
        ENDPOINTS;

        /** Parses {@code auto}, {@code endpointslices} or {@code endpoints}. */
        public static Api parse(String key, String text) {
            for (Api api : values()) {
                if (api.label().equals(text.trim().toLowerCase(Locale.ROOT))) {
                    return api;
                }
            }
            throw new IllegalArgumentException(key + ": " + text + " (expected: auto, endpointslices or endpoints)");
        }

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public KubernetesSettings {
        requireNonNull(api, "api");
        service = requireNonNull(service, "service").trim();
        namespace = requireNonNull(namespace, "namespace").trim();
        portName = requireNonNull(portName, "portName").trim();
        metricsPort = requireNonNull(metricsPort, "metricsPort").trim();
        if (service.isEmpty()) {
            throw new IllegalArgumentException("service: empty (expected: the name of a Service)");
        }
        if (!metricsPort.isEmpty() && isNumber(metricsPort)) {
            int number = Integer.parseInt(metricsPort);
            if (number < 1 || number > 65535) {
                throw new IllegalArgumentException("metrics-port: " + metricsPort + " (expected: a port name or 1-65535)");
            }
        }
    }

    /** The settings for {@code service} with every other value at its default. */
    public static KubernetesSettings of(String service) {
        return new KubernetesSettings(service, "", Api.AUTO, "", "");
    }

    public KubernetesSettings withNamespace(String newNamespace) {
        return new KubernetesSettings(service, newNamespace, api, portName, metricsPort);
    }

    public KubernetesSettings withApi(Api newApi) {
        return new KubernetesSettings(service, namespace, newApi, portName, metricsPort);
    }

    public KubernetesSettings withPortName(String newPortName) {
        return new KubernetesSettings(service, namespace, api, newPortName, metricsPort);
    }

    public KubernetesSettings withMetricsPort(String newMetricsPort) {
        return new KubernetesSettings(service, namespace, api, portName, newMetricsPort);
    }

    static boolean isNumber(String text) {
        return !text.isEmpty() && text.length() <= 5 && text.chars().allMatch(Character::isDigit);
    }
}
