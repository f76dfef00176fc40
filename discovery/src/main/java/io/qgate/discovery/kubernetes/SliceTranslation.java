package io.qgate.discovery.kubernetes;

import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.qgate.routing.Endpoint;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * EndpointSlices of one Service → endpoints. A pure function: the informer's store goes in, the
 * endpoints of the next snapshot come out.
 *
 * <p>Conditions follow the EndpointSlice API: {@code ready} takes requests; {@code serving} and
 * {@code terminating} takes no new ones but stays known, so that the streams it still runs finish
 * and its pool is kept; anything else is dropped. An unset {@code ready} or {@code serving} counts
 * as true, as the API asks consumers to read it.
 */
final class SliceTranslation {

    private SliceTranslation() {
    }

    static List<Endpoint> endpoints(Collection<EndpointSlice> slices, PortChoice ports) {
        List<Endpoint> endpoints = new ArrayList<>();
        for (EndpointSlice slice : slices) {
            List<PortChoice.NamedPort> named = namedPorts(slice.getPorts());
            int port = ports.servingPort(named);
            if (port < 1 || slice.getEndpoints() == null) {
                continue;
            }
            int metricsPort = ports.metricsPort(named);
            for (io.fabric8.kubernetes.api.model.discovery.v1.Endpoint member : slice.getEndpoints()) {
                Endpoint endpoint = translate(member, port, metricsPort);
                if (endpoint != null) {
                    endpoints.add(endpoint);
                }
            }
        }
        return endpoints;
    }

    private static Endpoint translate(io.fabric8.kubernetes.api.model.discovery.v1.Endpoint member, int port,
            int metricsPort) {
        // The API defines no meaning for addresses beyond the first (kube-proxy ignores them too).
        if (member.getAddresses() == null || member.getAddresses().isEmpty()) {
            return null;
        }
        EndpointConditions conditions = member.getConditions();
        boolean terminating = conditions != null && Boolean.TRUE.equals(conditions.getTerminating());
        boolean ready = conditions == null || conditions.getReady() == null || conditions.getReady();
        boolean serving = conditions == null || conditions.getServing() == null ? ready : conditions.getServing();
        Endpoint.Details details = new Endpoint.Details(podName(member.getTargetRef()), member.getNodeName(),
                member.getZone());
        String host = member.getAddresses().get(0);
        if (terminating) {
            return serving ? new Endpoint(host, port, false, true, metricsPort, details) : null;
        }
        return ready ? new Endpoint(host, port, true, false, metricsPort, details) : null;
    }

    static String podName(ObjectReference target) {
        return target != null && "Pod".equals(target.getKind()) ? target.getName() : "";
    }

    private static List<PortChoice.NamedPort> namedPorts(List<EndpointPort> ports) {
        return PortChoice.tcpPorts(ports, EndpointPort::getName, EndpointPort::getPort, EndpointPort::getProtocol);
    }
}
