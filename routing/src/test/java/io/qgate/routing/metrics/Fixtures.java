package io.qgate.routing.metrics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The shared fixtures, found by walking up from the working directory to the {@code shared} folder. */
final class Fixtures {

    private static final Path DIRECTORY = locate();

    private Fixtures() {
    }

    static byte[] bytes(String name) {
        try {
            return Files.readAllBytes(DIRECTORY.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The module runs its tests in its own directory, one level below the project clone, and
     * {@code shared/} sits beside the clone (in CI) or above the worktree; walking up finds both.
     */
    private static Path locate() {
        Path start = Path.of("").toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared").resolve("fixtures");
            if (Files.isRegularFile(candidate.resolve("vllm-metrics.txt"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("shared/fixtures/vllm-metrics.txt: not found above " + start
                + " (expected: the shared folder beside the project clone)");
    }
}
