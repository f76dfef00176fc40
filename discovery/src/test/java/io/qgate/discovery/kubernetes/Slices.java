package io.qgate.discovery.kubernetes;

import io.fabric8.kubernetes.api.model.EndpointAddressBuilder;
import io.fabric8.kubernetes.api.model.EndpointSubsetBuilder;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;

import java.util.ArrayList;
import java.util.List;

/** Test objects: EndpointSlices and Endpoints as the Kubernetes controllers write them. */
final class Slices {

    static final String SERVICE = "litellm";

    /** One member of a slice: address, conditions, pod. */
    record Member(String address, Boolean ready, Boolean serving, Boolean terminating, String pod) {
        static Member ready(String address) {
            return new Member(address, true, true, false, "pod-" + address);
        }

        static Member terminating(String address) {
            return new Member(address, false, true, true, "pod-" + address);
        }

        static Member notReady(String address) {
            return new Member(address, false, false, false, "pod-" + address);
        }

        static Member gone(String address) {
            return new Member(address, false, false, true, "pod-" + address);
        }
    }

    private Slices() {
    }

    static EndpointPort port(String name, int number) {
        return new EndpointPortBuilder().withName(name).withPort(number).withProtocol("TCP").build();
    }

    static EndpointSlice slice(String name, List<EndpointPort> ports, Member... members) {
        return slice(name, "IPv4", ports, members);
    }

    static EndpointSlice slice(String name, String addressType, List<EndpointPort> ports, Member... members) {
        List<io.fabric8.kubernetes.api.model.discovery.v1.Endpoint> endpoints = new ArrayList<>();
        for (Member member : members) {
            endpoints.add(new EndpointBuilder()
                    .withAddresses(member.address())
                    .withNewConditions()
                    .withReady(member.ready()).withServing(member.serving()).withTerminating(member.terminating())
                    .endConditions()
                    .withNodeName("node-1").withZone("zone-a")
                    .withNewTargetRef().withKind("Pod").withName(member.pod()).endTargetRef()
                    .build());
        }
        return new EndpointSliceBuilder()
                .withNewMetadata().withName(name).addToLabels(KubernetesEndpointSource.SERVICE_NAME_LABEL, SERVICE)
                .endMetadata()
                .withAddressType(addressType)
                .withPorts(ports)
                .withEndpoints(endpoints)
                .build();
    }

    static Endpoints endpoints(List<String> ready, List<String> notReady, int port) {
        EndpointSubsetBuilder subset = new EndpointSubsetBuilder()
                .addNewPort().withName("http").withPort(port).withProtocol("TCP").endPort();
        ready.forEach(ip -> subset.addToAddresses(new EndpointAddressBuilder().withIp(ip).withNodeName("node-1")
                .withNewTargetRef().withKind("Pod").withName("pod-" + ip).endTargetRef().build()));
        notReady.forEach(ip -> subset.addToNotReadyAddresses(new EndpointAddressBuilder().withIp(ip).build()));
        return new EndpointsBuilder().withNewMetadata().withName(SERVICE).endMetadata().withSubsets(subset.build())
                .build();
    }
}
