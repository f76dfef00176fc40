package io.qgate.discovery.kubernetes;

import java.util.List;

/**
 * Picks the serving and the metrics port among the named ports a slice (or an Endpoints subset)
 * lists. Kubernetes keeps the ports per slice, not per address, so the choice is made per slice.
 */
record PortChoice(String portName, String metricsPort) {

    /** One port as Kubernetes lists it; the name may be empty when the Service has a single port. */
    record NamedPort(String name, int port) {
        NamedPort {
            name = name == null ? "" : name;
        }
    }

    static PortChoice of(KubernetesSettings settings) {
        return new PortChoice(settings.portName(), settings.metricsPort());
    }

    /** The serving port: the one named {@code portName}, else the first; 0 when there is none. */
    int servingPort(List<NamedPort> ports) {
        for (NamedPort port : ports) {
            if (portName.isEmpty() || port.name().equals(portName)) {
                return port.port();
            }
        }
        return 0;
    }

    /** The metrics port: a fixed number, or the port with that name; 0 when none is configured or found. */
    int metricsPort(List<NamedPort> ports) {
        if (metricsPort.isEmpty()) {
            return 0;
        }
        if (KubernetesSettings.isNumber(metricsPort)) {
            return Integer.parseInt(metricsPort);
        }
        for (NamedPort port : ports) {
            if (port.name().equals(metricsPort)) {
                return port.port();
            }
        }
        return 0;
    }

    /** A port as a slice or an Endpoints object lists it, or null when it cannot serve HTTP (UDP, SCTP, no number). */
    static NamedPort tcp(String name, Integer number, String protocol) {
        return number == null || "UDP".equals(protocol) || "SCTP".equals(protocol) ? null : new NamedPort(name, number);
    }
}
