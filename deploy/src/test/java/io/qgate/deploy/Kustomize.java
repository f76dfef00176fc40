package io.qgate.deploy;

import tools.jackson.databind.JsonNode;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Renders a kustomization: with {@code kubectl kustomize} where kubectl is installed, else {@link MiniKustomize}. */
final class Kustomize {

    private Kustomize() {}

    /** kubectl on the PATH, or {@code null} (also with -Dqgate.deploy.noKubectl=true, to try the Java renderer). */
    static Path kubectl() {
        if (Boolean.getBoolean("qgate.deploy.noKubectl")) {
            return null;
        }
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, "kubectl");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    static List<JsonNode> render(Path kustomization) {
        Path kubectl = kubectl();
        return kubectl != null ? withKubectl(kubectl, kustomization) : MiniKustomize.render(kustomization);
    }

    static List<JsonNode> withKubectl(Path kubectl, Path kustomization) {
        try {
            Path errors = Files.createTempFile("kustomize", ".err");
            try {
                Process process = new ProcessBuilder(kubectl.toString(), "kustomize", kustomization.toString())
                        .redirectError(errors.toFile())
                        .start();
                process.getOutputStream().close();
                String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new IllegalStateException("kubectl kustomize " + kustomization + " did not finish");
                }
                if (process.exitValue() != 0) {
                    throw new IllegalStateException("kubectl kustomize " + kustomization + " failed: "
                            + Files.readString(errors));
                }
                return DeployFiles.documents(output);
            } finally {
                Files.deleteIfExists(errors);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
