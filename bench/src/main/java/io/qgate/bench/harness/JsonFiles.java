package io.qgate.bench.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The benchmarks' results as pretty-printed JSON files, written from records and read back into them. */
public final class JsonFiles {

    private JsonFiles() {}

    /**
     * A studied ratio's target in the reports' JSON: {@code "target"} as the report shows it and
     * whether it was {@code "met"}, both null for a ratio shown for context ({@code met == null}).
     */
    public static void putTarget(ObjectNode node, String targetText, Boolean met) {
        if (met == null) {
            node.putNull("target");
            node.putNull("met");
        } else {
            node.put("target", targetText);
            node.put("met", met);
        }
    }

    /** Writes {@code value} as {@code directory/file}, creating the directory. */
    public static Path write(Object value, Path directory, String file) {
        Path path = directory.resolve(file);
        try {
            Files.createDirectories(directory);
            Files.writeString(path, JsonMapper.shared().writerWithDefaultPrettyPrinter().writeValueAsString(value)
                    + "\n", StandardCharsets.UTF_8);
            return path;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + path, e);
        }
    }

    public static <T> T read(Path file, Class<T> type) {
        return JsonMapper.shared().readValue(file.toFile(), type);
    }

    /** {@code bench/results/<today>}: every benchmark of one day writes into one directory, with one report. */
    public static Path todaysResults() {
        return Path.of("bench", "results", LocalDate.now().toString());
    }

    /** A fresh temporary directory for a benchmark's configurations and process logs. */
    public static Path workDirectory(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a work directory", e);
        }
    }
}
