package io.qgate.bench.study.fleet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** What the two simulation reports share: writing their files, and numbers in JSON. */
final class ReportFiles {

    private ReportFiles() {}

    /**
     * Draws the plots into {@code dir}, then writes the markdown (which shows them) and the JSON.
     *
     * @return the plots
     */
    static List<Path> write(Path dir, String markdownFile, String jsonFile, Function<Path, List<Path>> plots,
                            Function<List<Path>, String> markdown, Supplier<String> json) {
        try {
            Files.createDirectories(dir);
            List<Path> drawn = plots.apply(dir);
            Files.writeString(dir.resolve(markdownFile), markdown.apply(drawn));
            Files.writeString(dir.resolve(jsonFile), json.get());
            return drawn;
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + dir + ": " + e.getMessage(), e);
        }
    }

    /** JSON has no infinity: an infinite or undefined figure is written as null. */
    static void put(ObjectNode node, String name, double value) {
        if (Double.isInfinite(value) || Double.isNaN(value)) {
            node.putNull(name);
        } else {
            node.put(name, round(value));
        }
    }

    static void add(ArrayNode array, double value) {
        if (Double.isInfinite(value) || Double.isNaN(value)) {
            array.addNull();
        } else {
            array.add(round(value));
        }
    }

    /** Three decimals: more would be noise. */
    static double round(double value) {
        return Math.round(value * 1000.0) / 1000.0;
    }
}
