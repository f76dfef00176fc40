package io.qgate.deploy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One overlay rendered (kubectl or {@link MiniKustomize}) and parsed strictly into typed objects. */
final class Rendered {

    final String overlay;
    final List<JsonNode> documents;
    final List<Object> objects = new ArrayList<>();

    private Rendered(String overlay, List<JsonNode> documents) {
        this.overlay = overlay;
        this.documents = documents;
        for (JsonNode document : documents) {
            objects.add(StrictModels.parse(document));
        }
    }

    static Rendered overlay(String name) {
        return new Rendered(name, Kustomize.render(DeployFiles.overlay(name)));
    }

    static Rendered of(String name, Path kustomization, List<JsonNode> documents) {
        return new Rendered(name + " (" + kustomization + ")", documents);
    }

    <T> List<T> all(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T> Optional<T> find(Class<T> type, String name) {
        return all(type).stream().filter(o -> nameOf(o).equals(name)).findFirst();
    }

    <T> T get(Class<T> type, String name) {
        return find(type, name).orElseThrow(() -> new AssertionError(
                overlay + ": no " + type.getSimpleName() + " named " + name));
    }

    /** "Kind/name" of every object, in order. */
    List<String> ids() {
        return objects.stream().map(o -> kindOf(o) + "/" + nameOf(o)).toList();
    }

    static String nameOf(Object object) {
        if (object instanceof HasMetadata resource) {
            return resource.getMetadata().getName();
        }
        return ((CustomResources.Resource) object).name();
    }

    static String namespaceOf(Object object) {
        if (object instanceof HasMetadata resource) {
            return resource.getMetadata().getNamespace();
        }
        return ((CustomResources.Resource) object).metadata().getNamespace();
    }

    static String kindOf(Object object) {
        if (object instanceof HasMetadata resource) {
            return resource.getKind();
        }
        return object.getClass().getSimpleName();
    }

    /** The pod templates of the Deployments whose labels the selector matches. */
    List<Deployment> deploymentsMatching(Map<String, String> selector) {
        return all(Deployment.class).stream()
                .filter(d -> matches(selector, d.getSpec().getTemplate()))
                .toList();
    }

    static boolean matches(Map<String, String> selector, PodTemplateSpec template) {
        return matches(selector, template.getMetadata().getLabels());
    }

    static boolean matches(Map<String, String> selector, Map<String, String> labels) {
        return selector != null && !selector.isEmpty() && labels != null
                && labels.entrySet().containsAll(selector.entrySet());
    }

    /** matchLabels only: a selector with expressions is not used in deploy/ and fails here. */
    static Map<String, String> matchLabels(LabelSelector selector) {
        if (selector.getMatchExpressions() != null && !selector.getMatchExpressions().isEmpty()) {
            throw new AssertionError("matchExpressions are not checked: " + selector);
        }
        return selector.getMatchLabels();
    }

    @Override
    public String toString() {
        return overlay;
    }
}
