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

    /**
     * The ports that can serve HTTP (TCP, with a number) among those a slice or an Endpoints object
     * lists; the two APIs have port types of their own, read through the three accessors.
     */
    static <P> List<NamedPort> tcpPorts(List<P> ports, java.util.function.Function<P, String> name,
                                        java.util.function.Function<P, Integer> number,
                                        java.util.function.Function<P, String> protocol) {
        List<NamedPort> named = new java.util.ArrayList<>();
        if (ports != null) {
            for (P port : ports) {
                Integer value = number.apply(port);
                String kind = protocol.apply(port);
                if (value != null && !"UDP".equals(kind) && !"SCTP".equals(kind)) {
                    named.add(new NamedPort(name.apply(port), value));
                }
            }
        }
        return named;
    }
}
