package io.qgate.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.CrossVersionObjectReference;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.qgate.deploy.CustomResources.MonitorEndpoint;
import io.qgate.deploy.CustomResources.Route;
import io.qgate.deploy.CustomResources.ScaledObject;
import io.qgate.deploy.CustomResources.SecretTargetRef;
import io.qgate.deploy.CustomResources.ServiceMonitor;
import io.qgate.deploy.CustomResources.Trigger;
import io.qgate.deploy.CustomResources.TriggerAuthentication;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Within each rendered overlay, every name that refers to another object finds it. */
class ReferencesTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.qgate.deploy.Overlays#names")
    void serviceSelectorsAndTargetPortsMatchPods(String overlay) {
        Rendered rendered = Overlays.rendered(overlay);
        for (Service service : rendered.all(Service.class)) {
            List<Deployment> selected = rendered.deploymentsMatching(service.getSpec().getSelector());
            assertThat(selected).as("pods of Service %s", name(service)).hasSize(1);
            Set<String> podPorts = portNames(selected.get(0));
            for (ServicePort port : service.getSpec().getPorts()) {
                assertThat(port.getName()).as("Service %s port %s", name(service), port.getPort()).isNotBlank();
                IntOrString target = port.getTargetPort();
                if (target.getStrVal() != null) {
                    assertThat(podPorts).as("Service %s targetPort", name(service)).contains(target.getStrVal());
                } else {
                    assertThat(containerPorts(selected.get(0)).stream().map(ContainerPort::getContainerPort))
                            .contains(target.getIntVal());
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.qgate.deploy.Overlays#names")
    void deploymentSelectorsMatchTheirOwnPods(String overlay) {
        Rendered rendered = Overlays.rendered(overlay);
        for (Deployment deployment : rendered.all(Deployment.class)) {
            Map<String, String> selector = Rendered.matchLabels(deployment.getSpec().getSelector());
            assertThat(Rendered.matches(selector, deployment.getSpec().getTemplate())).as(name(deployment)).isTrue();
            assertThat(rendered.deploymentsMatching(selector)).as("selector of %s is unique", name(deployment))
                    .containsExactly(deployment);
            PodSpec pod = deployment.getSpec().getTemplate().getSpec();
            if (pod.getTopologySpreadConstraints() != null) {
                pod.getTopologySpreadConstraints().forEach(spread -> assertThat(Rendered.matches(
                        Rendered.matchLabels(spread.getLabelSelector()), deployment.getSpec().getTemplate()))
                        .as("spread constraint of %s selects its own pods", name(deployment)).isTrue());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.qgate.deploy.Overlays#names")
    void probesUseNamedPortsOfTheirContainer(String overlay) {
        for (Deployment deployment : Overlays.rendered(overlay).all(Deployment.class)) {
            for (Container container : deployment.getSpec().getTemplate().getSpec().getContainers()) {
                Set<String> names = new java.util.HashSet<>();
                container.getPorts().forEach(p -> names.add(p.getName()));
                for (Probe probe : probes(container)) {
                    assertThat(probe.getHttpGet()).as("%s/%s probes over HTTP", name(deployment), container.getName())
                            .isNotNull();
                    assertThat(names).as("probe port of %s/%s", name(deployment), container.getName())
                            .contains(probe.getHttpGet().getPort().getStrVal());
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.qgate.deploy.Overlays#names")
    void gatewayProbesAndPortsAreTheAdminEndpoints(String overlay) {
        Container gateway = gatewayContainer(Overlays.rendered(overlay));
        assertThat(gateway.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
        assertThat(gateway.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
        assertThat(gateway.getReadinessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("metrics");
        Map<String, Integer> ports = new HashMap<>();
        gateway.getPorts().forEach(p -> ports.put(p.getName(), p.getContainerPort()));
        assertThat(ports).containsExactlyInAnyOrderEntriesOf(Map.of("http", 8080, "metrics", 9090, "peers", 9091));
        assertThat(gateway.getResources().getRequests()).containsKeys("cpu", "memory");
        assertThat(gateway.getResources().getLimits()).containsKey("memory");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.qgate.deploy.Overlays#names")
    void volumesAndServiceAccountsExist(String overlay) {
        Rendered rendered = Overlays.rendered(overlay);
        for (Deployment deployment : rendered.all(Deployment.class)) {
            PodSpec pod = deployment.getSpec().getTemplate().getSpec();
            if (pod.getServiceAccountName() != null) {
                rendered.get(ServiceAccount.class, pod.getServiceAccountName());
            }
            for (Volume volume : pod.getVolumes()) {
                if (volume.getConfigMap() != null) {
                    rendered.get(ConfigMap.class, volume.getConfigMap().getName());
                }
                if (volume.getSecret() != null) {
                    rendered.get(Secret.class, volume.getSecret().getSecretName());
                }
            }
            for (Container container : pod.getContainers()) {
                container.getVolumeMounts().forEach(mount -> assertThat(pod.getVolumes())
                        .extracting(Volume::getName).as("%s mounts", container.getName()).contains(mount.getName()));
            }
        }
        // The gateway and LiteLLM read --config from a mounted ConfigMap: the file is one of its keys.
        for (Deployment deployment : rendered.all(Deployment.class)) {
            for (Container container : deployment.getSpec().getTemplate().getSpec().getContainers()) {
                int flag = container.getArgs() == null ? -1 : container.getArgs().indexOf("--config");
                if (flag >= 0) {
                    assertThat(configFileIsMounted(rendered, deployment, container, container.getArgs().get(flag + 1)))
                            .as("%s/%s --config", name(deployment), container.getName()).isTrue();
                }
            }
        }
        assertThat(gatewayContainer(rendered).getArgs()).contains("--config");
    }

    private static boolean configFileIsMounted(Rendered rendered, Deployment deployment, Container container,
                                               String file) {
        var mount = container.getVolumeMounts().stream()
                .filter(m -> file.startsWith(m.getMountPath() + "/")).findFirst().orElseThrow();
        Volume volume = deployment.getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getName().equals(mount.getName())).findFirst().orElseThrow();
        ConfigMap config = rendered.get(ConfigMap.class, volume.getConfigMap().getName());
        return config.getData().containsKey(file.substring(mount.getMountPath().length() + 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.qgate.deploy.Overlays#names")
    void rbacNamesExistAndDiscoveryMayOnlyRead(String overlay) {
        Rendered rendered = Overlays.rendered(overlay);
        for (RoleBinding binding : rendered.all(RoleBinding.class)) {
            assertThat(binding.getRoleRef().getKind()).as(name(binding)).isEqualTo("Role");
            rendered.get(Role.class, binding.getRoleRef().getName());
            for (Subject subject : binding.getSubjects()) {
                assertThat(subject.getKind()).isEqualTo("ServiceAccount");
                rendered.get(ServiceAccount.class, subject.getName());
                assertThat(subject.getNamespace()).isEqualTo(Rendered.namespaceOf(binding));
            }
        }
        Role discovery = rendered.get(Role.class, "qgate-discovery");
        Map<String, List<String>> verbsByResource = new HashMap<>();
        for (PolicyRule rule : discovery.getRules()) {
            for (String group : rule.getApiGroups()) {
                rule.getResources().forEach(r -> verbsByResource.put(group + "/" + r, rule.getVerbs()));
            }
        }
        assertThat(verbsByResource).containsOnlyKeys("discovery.k8s.io/endpointslices", "/endpoints");
        verbsByResource.values().forEach(verbs -> assertThat(verbs).containsExactlyInAnyOrder("get", "list", "watch"));
        RoleBinding binding = rendered.get(RoleBinding.class, "qgate-discovery");
        String account = rendered.get(Deployment.class, "qgate").getSpec().getTemplate().getSpec().getServiceAccountName();
        assertThat(binding.getSubjects()).extracting(Subject::getName).containsExactly(account);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.qgate.deploy.Overlays#names")
    void networkPolicyOpensTheClientPortAndTheAdminPortToMonitoringOnly(String overlay) {
        Rendered rendered = Overlays.rendered(overlay);
        NetworkPolicy policy = rendered.get(NetworkPolicy.class, "qgate");
        Deployment gateway = rendered.get(Deployment.class, "qgate");
        assertThat(rendered.deploymentsMatching(policy.getSpec().getPodSelector().getMatchLabels()))
                .containsExactly(gateway);
        Set<String> podPorts = portNames(gateway);
        boolean clientOpen = false;
        boolean adminRestricted = false;
        boolean peersAmongGateways = false;
        for (NetworkPolicyIngressRule rule : policy.getSpec().getIngress()) {
            for (NetworkPolicyPort port : rule.getPorts()) {
                assertThat(podPorts).contains(port.getPort().getStrVal());
                boolean fromAnywhere = rule.getFrom() == null || rule.getFrom().isEmpty();
                if (port.getPort().getStrVal().equals("http")) {
                    clientOpen |= fromAnywhere;
                } else if (port.getPort().getStrVal().equals("peers")) {
                    // Gateway pods only: a peer message from anywhere else is not even delivered.
                    assertThat(port.getProtocol()).isEqualTo("UDP");
                    assertThat(rule.getFrom()).isNotEmpty().allSatisfy(peer -> {
                        assertThat(peer.getNamespaceSelector()).isNull();
                        assertThat(peer.getIpBlock()).isNull();
                        assertThat(rendered.deploymentsMatching(peer.getPodSelector().getMatchLabels()))
                                .containsExactly(gateway);
                    });
                    peersAmongGateways = true;
                } else if (port.getPort().getStrVal().equals("metrics")) {
                    assertThat(fromAnywhere).as("the admin port is open to all").isFalse();
                    List<String> namespaces = new ArrayList<>();
                    rule.getFrom().forEach(peer -> {
                        assertThat(peer.getPodSelector()).isNull();
                        assertThat(peer.getIpBlock()).isNull();
                        peer.getNamespaceSelector().getMatchExpressions().forEach(e -> namespaces.addAll(e.getValues()));
                    });
                    assertThat(namespaces).isNotEmpty().allMatch(n -> n.contains("monitoring"));
                    adminRestricted = true;
                }
            }
        }
        assertThat(clientOpen).isTrue();
        assertThat(adminRestricted).isTrue();
        assertThat(peersAmongGateways).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.qgate.deploy.Overlays#names")
    void gatewayPodsFindEachOtherAndShareAKeyTheClusterFillsIn(String overlay) {
        Rendered rendered = Overlays.rendered(overlay);
        Deployment gateway = rendered.get(Deployment.class, "qgate");
        Service peers = rendered.get(Service.class, "qgate-peers");
        assertThat(peers.getSpec().getClusterIP()).as("headless: one address per pod").isEqualTo("None");
        assertThat(rendered.deploymentsMatching(peers.getSpec().getSelector())).containsExactly(gateway);
        // Discovery reads TCP ports: the first one lists the pods; the UDP one is the peers port.
        assertThat(peers.getSpec().getPorts().get(0).getProtocol()).isEqualTo("TCP");
        assertThat(peers.getSpec().getPorts()).anySatisfy(port -> {
            assertThat(port.getProtocol()).isEqualTo("UDP");
            assertThat(port.getTargetPort().getStrVal()).isEqualTo("peers");
        });
        Container container = gatewayContainer(rendered);
        ContainerPort peersPort = container.getPorts().stream().filter(p -> p.getName().equals("peers"))
                .findFirst().orElseThrow();
        assertThat(peersPort.getProtocol()).isEqualTo("UDP");
        Volume key = gateway.getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getSecret() != null).findFirst().orElseThrow();
        Secret secret = rendered.get(Secret.class, key.getSecret().getSecretName());
        assertThat(secret.getType()).isEqualTo("kubernetes.io/service-account-token");
        rendered.get(ServiceAccount.class, secret.getMetadata().getAnnotations().get("kubernetes.io/service-account.name"));
        assertThat(key.getSecret().getItems()).singleElement()
                .satisfies(item -> assertThat(item.getKey()).isEqualTo("token"));
        // No Service selects the peers Service by the gateway's name label: Prometheus scrapes each pod once.
        assertThat(peers.getMetadata().getLabels()).doesNotContainEntry("app.kubernetes.io/name", "qgate");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.qgate.deploy.Overlays#names")
    void serviceMonitorsSelectServicesByNamedPorts(String overlay) {
        Rendered rendered = Overlays.rendered(overlay);
        for (ServiceMonitor monitor : rendered.all(ServiceMonitor.class)) {
            Map<String, String> selector = Rendered.matchLabels(monitor.spec().selector());
            List<Service> services = rendered.all(Service.class).stream()
                    .filter(s -> Rendered.matches(selector, s.getMetadata().getLabels())).toList();
            assertThat(services).as("Services of ServiceMonitor %s", monitor.name()).isNotEmpty();
            for (Service service : services) {
                Set<String> portNames = new java.util.HashSet<>();
                service.getSpec().getPorts().forEach(p -> portNames.add(p.getName()));
                for (MonitorEndpoint endpoint : monitor.spec().endpoints()) {
                    assertThat(portNames).as(name(service)).contains(endpoint.port());
                }
            }
        }
        ServiceMonitor gateway = rendered.get(ServiceMonitor.class, "qgate");
        assertThat(rendered.all(Service.class).stream()
                .filter(s -> Rendered.matches(Rendered.matchLabels(gateway.spec().selector()), s.getMetadata().getLabels())))
                .extracting(s -> s.getMetadata().getName()).containsExactly("qgate");
        // Every model's engines are scraped (the dashboard's engine panels), a new model's too.
        ServiceMonitor engines = rendered.get(ServiceMonitor.class, "litellm-vllm");
        DeployedPools.servicesByPool().values().forEach(service -> assertThat(Rendered.matches(
                Rendered.matchLabels(engines.spec().selector()), rendered.get(Service.class, service).getMetadata().getLabels()))
                .as("litellm-vllm selects %s", service).isTrue());
        assertThat(gateway.spec().endpoints()).extracting(MonitorEndpoint::port).containsExactly("metrics");
        assertThat(gateway.spec().endpoints()).extracting(MonitorEndpoint::path).containsExactly("/metrics");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.qgate.deploy.Overlays#names")
    void autoscalersTargetExistingDeploymentsOneEach(String overlay) {
        Rendered rendered = Overlays.rendered(overlay);
        List<String> targets = new ArrayList<>();
        for (HorizontalPodAutoscaler hpa : rendered.all(HorizontalPodAutoscaler.class)) {
            CrossVersionObjectReference ref = hpa.getSpec().getScaleTargetRef();
            assertThat(ref.getKind()).isEqualTo("Deployment");
            assertThat(ref.getApiVersion()).isEqualTo("apps/v1");
            rendered.get(Deployment.class, ref.getName());
            targets.add(ref.getName());
            for (MetricSpec metric : hpa.getSpec().getMetrics()) {
                if (metric.getObject() != null) {
                    var described = metric.getObject().getDescribedObject();
                    assertThat(described.getKind()).isEqualTo("Service");
                    rendered.get(Service.class, described.getName());
                }
            }
        }
        for (ScaledObject scaled : rendered.all(ScaledObject.class)) {
            assertThat(scaled.spec().scaleTargetRef().kind()).isEqualTo("Deployment");
            rendered.get(Deployment.class, scaled.spec().scaleTargetRef().name());
            targets.add(scaled.spec().scaleTargetRef().name());
            for (Trigger trigger : scaled.spec().triggers()) {
                if (trigger.authenticationRef() != null) {
                    rendered.get(TriggerAuthentication.class, trigger.authenticationRef().name());
                }
            }
        }
        assertThat(targets).as("one autoscaler per Deployment").doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(rendered.all(Deployment.class).stream()
                        .map(d -> d.getMetadata().getName()).toList());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.qgate.deploy.Overlays#names")
    void disruptionBudgetCoversTheGateway(String overlay) {
        Rendered rendered = Overlays.rendered(overlay);
        PodDisruptionBudget budget = rendered.get(PodDisruptionBudget.class, "qgate");
        assertThat(rendered.deploymentsMatching(Rendered.matchLabels(budget.getSpec().getSelector())))
                .containsExactly(rendered.get(Deployment.class, "qgate"));
        HorizontalPodAutoscaler hpa = rendered.get(HorizontalPodAutoscaler.class, "qgate");
        assertThat(hpa.getSpec().getMinReplicas()).as("a PDB of maxUnavailable 1 needs two pods").isGreaterThanOrEqualTo(2);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("openshift")
    void triggerAuthenticationUsesTheTokenOfAnExistingServiceAccount(String overlay) {
        Rendered rendered = Overlays.rendered(overlay);
        for (TriggerAuthentication auth : rendered.all(TriggerAuthentication.class)) {
            for (SecretTargetRef ref : auth.spec().secretTargetRef()) {
                assertThat(CustomResources.PROMETHEUS_AUTH_PARAMETERS).contains(ref.parameter());
                Secret secret = rendered.get(Secret.class, ref.name());
                assertThat(secret.getType()).isEqualTo("kubernetes.io/service-account-token");
                String account = secret.getMetadata().getAnnotations().get("kubernetes.io/service-account.name");
                rendered.get(ServiceAccount.class, account);
                assertThat(rendered.all(RoleBinding.class)).anySatisfy(binding ->
                        assertThat(binding.getSubjects()).extracting(Subject::getName).contains(account));
            }
            assertThat(auth.spec().secretTargetRef()).extracting(SecretTargetRef::parameter)
                    .containsExactlyInAnyOrder("bearerToken", "ca");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("openshift")
    void routeReachesTheGatewaysClientPortWithEdgeTls(String overlay) {
        Rendered rendered = Overlays.rendered(overlay);
        Route route = rendered.get(Route.class, "qgate");
        assertThat(route.spec().to().kind()).isEqualTo("Service");
        Service service = rendered.get(Service.class, route.spec().to().name());
        assertThat(service.getSpec().getPorts()).extracting(ServicePort::getName)
                .contains(route.spec().port().targetPort().getStrVal());
        assertThat(route.spec().port().targetPort().getStrVal()).isEqualTo("http");
        assertThat(route.spec().tls().termination()).isEqualTo("edge");
        assertThat(route.spec().tls().insecureEdgeTerminationPolicy()).isEqualTo("Redirect");
    }

    /** restricted-v2: no fixed UID, non-root, no privilege escalation, no capabilities, RuntimeDefault seccomp. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("openshift")
    void everyPodRunsUnderRestrictedV2(String overlay) {
        for (Deployment deployment : Overlays.rendered(overlay).all(Deployment.class)) {
            PodSpec pod = deployment.getSpec().getTemplate().getSpec();
            var podSecurity = pod.getSecurityContext();
            assertThat(podSecurity).as(name(deployment)).isNotNull();
            assertThat(podSecurity.getRunAsUser()).as("%s runAsUser", name(deployment)).isNull();
            assertThat(podSecurity.getRunAsGroup()).isNull();
            assertThat(podSecurity.getFsGroup()).isNull();
            assertThat(podSecurity.getRunAsNonRoot()).as("%s runAsNonRoot", name(deployment)).isTrue();
            assertThat(podSecurity.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
            assertThat(pod.getHostNetwork()).isNotEqualTo(Boolean.TRUE);
            assertThat(pod.getHostPID()).isNotEqualTo(Boolean.TRUE);
            assertThat(pod.getVolumes()).allSatisfy(v -> assertThat(v.getHostPath()).isNull());
            for (Container container : pod.getContainers()) {
                var security = container.getSecurityContext();
                String what = name(deployment) + "/" + container.getName();
                assertThat(security).as(what).isNotNull();
                assertThat(security.getRunAsUser()).as(what).isNull();
                assertThat(security.getPrivileged()).as(what).isNotEqualTo(Boolean.TRUE);
                assertThat(security.getAllowPrivilegeEscalation()).as(what).isFalse();
                assertThat(security.getCapabilities().getDrop()).as(what).containsExactly("ALL");
                assertThat(security.getCapabilities().getAdd()).as(what).isNullOrEmpty();
                container.getPorts().forEach(p -> assertThat(p.getHostPort()).isNull());
            }
        }
    }

    static Stream<String> openshift() {
        return Stream.of("openshift");
    }

    static Container gatewayContainer(Rendered rendered) {
        return rendered.get(Deployment.class, "qgate").getSpec().getTemplate().getSpec().getContainers().stream()
                .filter(c -> c.getName().equals("qgate")).findFirst().orElseThrow();
    }

    private static List<Probe> probes(Container container) {
        return Stream.of(container.getStartupProbe(), container.getReadinessProbe(), container.getLivenessProbe())
                .filter(java.util.Objects::nonNull).toList();
    }

    private static List<ContainerPort> containerPorts(Deployment deployment) {
        List<ContainerPort> ports = new ArrayList<>();
        deployment.getSpec().getTemplate().getSpec().getContainers().forEach(c -> ports.addAll(c.getPorts()));
        return ports;
    }

    private static Set<String> portNames(Deployment deployment) {
        Set<String> names = new java.util.HashSet<>();
        containerPorts(deployment).forEach(p -> names.add(p.getName()));
        return names;
    }

    private static String name(io.fabric8.kubernetes.api.model.HasMetadata object) {
        return object.getKind() + "/" + object.getMetadata().getName();
    }
}
