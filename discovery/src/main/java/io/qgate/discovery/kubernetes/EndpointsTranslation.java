package io.qgate.discovery.kubernetes;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.qgate.routing.Endpoint;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Core v1 Endpoints of one Service → endpoints: the fallback for clusters where EndpointSlices
 * cannot be listed. This older API has no terminating condition; {@code notReadyAddresses} take no
 * requests and are dropped, and a terminating pod simply leaves {@code addresses}.
 */
final class EndpointsTranslation {

    private EndpointsTranslation() {
    }

    static List<Endpoint> endpoints(Collection<Endpoints> all, PortChoice ports) {
        List<Endpoint> endpoints = new ArrayList<>();
        for (Endpoints one : all) {
            if (one.getSubsets() == null) {
                continue;
            }
            for (EndpointSubset subset : one.getSubsets()) {
                List<PortChoice.NamedPort> named = namedPorts(subset.getPorts());
                int port = ports.servingPort(named);
                if (port < 1 || subset.getAddresses() == null) {
                    continue;
                }
                int metricsPort = ports.metricsPort(named);
                for (EndpointAddress address : subset.getAddresses()) {
                    if (address.getIp() != null && !address.getIp().isEmpty()) {
                        endpoints.add(new Endpoint(address.getIp(), port, true, false, metricsPort,
                                new Endpoint.Details(SliceTranslation.podName(address.getTargetRef()),
                                        address.getNodeName(), "")));
                    }
                }
            }
        }
        return endpoints;
    }

    private static List<PortChoice.NamedPort> namedPorts(List<EndpointPort> ports) {
        return PortChoice.tcpPorts(ports, EndpointPort::getName, EndpointPort::getPort, EndpointPort::getProtocol);
    }
}
