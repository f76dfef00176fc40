package io.qgate.deploy;

import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import tools.jackson.databind.JsonNode;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Manifest documents as typed objects, with unknown fields failing. fabric8's models keep fields
 * they do not know in {@code additionalProperties} instead of failing (so that a newer server's
 * fields survive a round trip); here every such map, at any depth, must be empty. Kinds fabric8
 * has no model for are read into the strict records of {@link CustomResources}. A kind neither
 * knows fails.
 */
final class StrictModels {

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private StrictModels() {}

    /** The document as a fabric8 model or a {@link CustomResources} record; throws if anything is unknown. */
    static Object parse(JsonNode document) {
        String apiVersion = document.path("apiVersion").asString("");
        String kind = document.path("kind").asString("");
        if (apiVersion.isEmpty() || kind.isEmpty()) {
            throw new IllegalArgumentException("a document without apiVersion or kind");
        }
        Object parsed;
        Class<? extends KubernetesResource> model = SERIALIZATION.getRegisteredKubernetesResource(apiVersion, kind);
        Class<? extends Record> schema = CustomResources.schema(apiVersion, kind);
        if (model != null && !model.getName().contains("GenericKubernetesResource")) {
            parsed = SERIALIZATION.convertValue(document, model);
        } else if (schema != null) {
            parsed = DeployFiles.YAML.treeToValue(document, schema);
        } else {
            throw new IllegalArgumentException("no model or schema for " + apiVersion + " " + kind);
        }
        List<String> unknown = new ArrayList<>();
        collectUnknown(parsed, kind, unknown);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(kind + " has unknown fields: " + unknown);
        }
        return parsed;
    }

    /** Paths of every non-empty {@code additionalProperties} under {@code value}. */
    static void collectUnknown(Object value, String path, List<String> unknown) {
        if (value == null) {
            return;
        }
        if (value instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                collectUnknown(item, path + "[" + i++ + "]", unknown);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((key, item) -> collectUnknown(item, path + "." + key, unknown));
            return;
        }
        Class<?> type = value.getClass();
        if (type.isRecord()) {
            for (RecordComponent component : type.getRecordComponents()) {
                collectUnknown(invoke(component.getAccessor(), value), path + "." + component.getName(), unknown);
            }
            return;
        }
        if (!type.getName().startsWith("io.fabric8.")) {
            return;
        }
        for (Method getter : type.getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
                    || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            String name = getter.getName();
            if (name.equals("getAdditionalProperties")) {
                Map<?, ?> additional = (Map<?, ?>) invoke(getter, value);
                if (additional != null) {
                    additional.keySet().forEach(key -> unknown.add(path + "." + key));
                }
            } else if (name.startsWith("get") && name.length() > 3) {
                collectUnknown(invoke(getter, value), path + "." + Character.toLowerCase(name.charAt(3))
                        + name.substring(4), unknown);
            }
        }
    }

    private static Object invoke(Method method, Object target) {
        try {
            return method.invoke(target);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("reading " + method, e);
        }
    }
}
