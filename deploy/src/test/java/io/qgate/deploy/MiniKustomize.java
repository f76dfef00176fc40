package io.qgate.deploy;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A kustomize-free rendering of the kustomizations in deploy/, for machines without kubectl. It
 * implements the subset of kustomize those files use, and fails on any other field, so that a
 * new feature is either added here or noticed: {@code resources} (files and directories),
 * {@code namespace} (also on ServiceAccount subjects of RoleBindings), {@code configMapGenerator}
 * ({@code files}, {@code options.labels}; names get no content hash, unlike kustomize's, and
 * references are left as they are, so they stay consistent), {@code patches} (strategic merge:
 * maps merged, lists of named items merged by name (new items first, as kustomize does), {@code $patch: delete} of a whole resource;
 * the target named by the patch, or every resource its {@code target} selects by kind and labels)
 * and {@code images} ({@code newName}, {@code newTag}). Where kubectl is installed, a test
 * checks that this rendering equals kubectl's apart from the hash suffixes.
 */
final class MiniKustomize {

    private static final Set<String> SUPPORTED = Set.of(
            "apiVersion", "kind", "namespace", "resources", "configMapGenerator", "patches", "images");
    private static final Set<String> CLUSTER_SCOPED = Set.of(
            "Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition",
            "PriorityClass", "StorageClass", "APIService");

    private MiniKustomize() {}

    static List<JsonNode> render(Path dir) {
        JsonNode kustomization = DeployFiles.documents(dir.resolve("kustomization.yaml")).get(0);
        kustomization.propertyNames().forEach(field -> {
            if (!SUPPORTED.contains(field)) {
                throw new IllegalArgumentException(dir + "/kustomization.yaml: " + field + " is not supported here");
            }
        });
        List<ObjectNode> resources = new ArrayList<>();
        for (JsonNode entry : kustomization.path("resources")) {
            Path path = dir.resolve(entry.asString()).normalize();
            List<JsonNode> docs = Files.isDirectory(path) ? render(path) : DeployFiles.documents(path);
            docs.forEach(doc -> resources.add((ObjectNode) doc.deepCopy()));
        }
        for (JsonNode generator : kustomization.path("configMapGenerator")) {
            resources.add(configMap(dir, generator));
        }
        for (JsonNode patch : kustomization.path("patches")) {
            String text = patch.has("patch") ? patch.get("patch").asString()
                    : DeployFiles.read(dir.resolve(patch.get("path").asString()));
            for (JsonNode doc : DeployFiles.documents(text)) {
                if (patch.has("target")) {
                    applyToTargets(resources, patch.get("target"), (ObjectNode) doc);
                } else {
                    apply(resources, (ObjectNode) doc);
                }
            }
        }
        for (JsonNode image : kustomization.path("images")) {
            resources.forEach(resource -> setImage(resource, image));
        }
        if (kustomization.has("namespace")) {
            String namespace = kustomization.get("namespace").asString();
            resources.forEach(resource -> setNamespace(resource, namespace));
        }
        return new ArrayList<>(resources);
    }

    private static ObjectNode configMap(Path dir, JsonNode generator) {
        ObjectNode map = JsonNodeFactory.instance.objectNode();
        map.put("apiVersion", "v1");
        map.put("kind", "ConfigMap");
        ObjectNode metadata = map.putObject("metadata");
        metadata.put("name", generator.get("name").asString());
        JsonNode labels = generator.path("options").path("labels");
        if (!labels.isMissingNode()) {
            metadata.set("labels", labels.deepCopy());
        }
        ObjectNode data = map.putObject("data");
        for (JsonNode file : generator.path("files")) {
            String spec = file.asString();
            int equals = spec.indexOf('=');
            String key = equals > 0 ? spec.substring(0, equals) : Path.of(spec).getFileName().toString();
            String source = equals > 0 ? spec.substring(equals + 1) : spec;
            data.put(key, DeployFiles.read(dir.resolve(source)));
        }
        return map;
    }

    private static void apply(List<ObjectNode> resources, ObjectNode patch) {
        String kind = patch.path("kind").asString();
        String name = patch.path("metadata").path("name").asString();
        ObjectNode target = resources.stream()
                .filter(r -> r.path("kind").asString().equals(kind)
                        && r.path("metadata").path("name").asString().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("patch target " + kind + " " + name + " not found"));
        if (patch.path("$patch").asString("").equals("delete")) {
            resources.remove(target);
        } else {
            merge(target, patch);
        }
    }

    /**
     * A patch with a {@code target}: merged into every resource of the kind whose labels hold
     * each {@code key=value} of the label selector; each keeps its own name.
     */
    private static void applyToTargets(List<ObjectNode> resources, JsonNode target, ObjectNode patch) {
        target.propertyNames().forEach(field -> {
            if (!Set.of("kind", "labelSelector").contains(field)) {
                throw new IllegalArgumentException("patch target field " + field + " is not supported here");
            }
        });
        ObjectNode own = patch.deepCopy();
        ((ObjectNode) own.get("metadata")).remove("name");
        List<ObjectNode> selected = resources.stream()
                .filter(r -> r.path("kind").asString().equals(target.path("kind").asString()))
                .filter(r -> hasLabels(r, target.path("labelSelector").asString()))
                .toList();
        if (selected.isEmpty()) {
            throw new IllegalArgumentException("patch target " + target + " selects nothing");
        }
        selected.forEach(resource -> merge(resource, own));
    }

    private static boolean hasLabels(ObjectNode resource, String selector) {
        for (String term : selector.split(",")) {
            String[] pair = term.split("=", 2);
            if (!resource.path("metadata").path("labels").path(pair[0].trim()).asString("").equals(pair[1].trim())) {
                return false;
            }
        }
        return true;
    }

    /** Strategic merge for what the patches here use: maps recursively, named list items by name. */
    static void merge(ObjectNode target, JsonNode patch) {
        for (String field : patch.propertyNames()) {
            if (field.startsWith("$")) {
                continue;
            }
            JsonNode value = patch.get(field);
            JsonNode existing = target.get(field);
            if (value.isObject() && existing instanceof ObjectNode existingObject) {
                merge(existingObject, value);
            } else if (value.isArray() && existing instanceof ArrayNode existingArray && isNamedList(value)) {
                int inserted = 0;
                for (JsonNode item : value) {
                    ObjectNode match = null;
                    for (JsonNode candidate : existingArray) {
                        if (candidate.path("name").asString().equals(item.get("name").asString())) {
                            match = (ObjectNode) candidate;
                        }
                    }
                    if (match != null) {
                        merge(match, item);
                    } else {
                        // kustomize puts the patch's new items first, in the patch's order.
                        existingArray.insert(inserted++, item.deepCopy());
                    }
                }
            } else {
                target.set(field, value.deepCopy());
            }
        }
    }

    private static boolean isNamedList(JsonNode array) {
        for (JsonNode item : array) {
            if (!item.isObject() || !item.has("name")) {
                return false;
            }
        }
        return !array.isEmpty();
    }

    private static void setImage(ObjectNode resource, JsonNode image) {
        JsonNode podSpec = resource.path("spec").path("template").path("spec");
        for (String list : List.of("containers", "initContainers")) {
            for (JsonNode container : podSpec.path(list)) {
                String current = container.path("image").asString();
                int colon = current.lastIndexOf(':');
                boolean tagged = colon > current.lastIndexOf('/');
                String name = tagged ? current.substring(0, colon) : current;
                if (name.equals(image.get("name").asString())) {
                    String newName = image.path("newName").asString(name);
                    String newTag = image.path("newTag").asString(tagged ? current.substring(colon + 1) : "");
                    ((ObjectNode) container).put("image", newTag.isEmpty() ? newName : newName + ":" + newTag);
                }
            }
        }
    }

    private static void setNamespace(ObjectNode resource, String namespace) {
        if (!CLUSTER_SCOPED.contains(resource.path("kind").asString())) {
            ((ObjectNode) resource.get("metadata")).put("namespace", namespace);
        }
        if (resource.path("kind").asString().equals("RoleBinding")) {
            for (JsonNode subject : resource.path("subjects")) {
                if (subject.path("kind").asString().equals("ServiceAccount")) {
                    ((ObjectNode) subject).put("namespace", namespace);
                }
            }
        }
    }
}
