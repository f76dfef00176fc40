package io.qgate.deploy;

import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Where the manifests are, and reading them: YAML documents as Jackson trees. */
final class DeployFiles {

    /** The overlays a user applies; each renders to a complete set of resources. */
    static final List<String> OVERLAYS = List.of("openshift", "kubernetes", "kubernetes-keda");

    /** Strict: a field a record does not declare fails (fabric8 models are checked by {@link StrictModels}). */
    static final YAMLMapper YAML = YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .build();

    private DeployFiles() {}

    /** The deploy module's directory (Surefire runs in it; the IDE may run in the repository). */
    static Path deployDir() {
        Path here = Path.of("").toAbsolutePath();
        if (Files.isDirectory(here.resolve("base")) && Files.exists(here.resolve("pom.xml"))) {
            return here;
        }
        Path nested = here.resolve("deploy");
        if (Files.isDirectory(nested.resolve("base"))) {
            return nested;
        }
        throw new IllegalStateException("cannot find the deploy directory from " + here);
    }

    static Path repositoryRoot() {
        return deployDir().getParent();
    }

    static Path overlay(String name) {
        return deployDir().resolve("overlays").resolve(name);
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The non-empty documents of a (multi-document) YAML text. */
    static List<JsonNode> documents(String yaml) {
        List<JsonNode> documents = new ArrayList<>();
        for (JsonNode node : YAML.readerFor(JsonNode.class).<JsonNode>readValues(yaml).readAll()) {
            if (node != null && !node.isNull() && !node.isMissingNode()) {
                documents.add(node);
            }
        }
        return documents;
    }

    static List<JsonNode> documents(Path file) {
        return documents(read(file));
    }

    /** Every YAML file under deploy/ (sources only, not the build's output). */
    static List<Path> yamlFiles() {
        Path dir = deployDir();
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                    .filter(p -> !dir.relativize(p).startsWith("target") && !dir.relativize(p).startsWith("src"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String relative(Path file) {
        return deployDir().relativize(file).toString();
    }
}
