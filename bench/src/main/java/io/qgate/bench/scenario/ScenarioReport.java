package io.qgate.bench.scenario;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * Everything one run of the scenario found, in modelled units.
 *
 * @param wallSeconds how long the whole run took on the wall clock
 * @param offeredRps  the Poisson rate offered to the gateway tier, requests per modelled second
 */
public record ScenarioReport(ScenarioOptions options, Instant startedAt, double wallSeconds, Capacity capacity,
                             double offeredRps, List<RowResult> rows, List<Ratio> ratios) {

    public static final String JSON_FILE = "results.json";
    public static final String MARKDOWN_FILE = "report.md";

    public ScenarioReport {
        requireNonNull(options, "options");
        requireNonNull(startedAt, "startedAt");
        requireNonNull(capacity, "capacity");
        rows = List.copyOf(rows);
        ratios = List.copyOf(ratios);
    }

    public String toJson() {
        return ReportJson.render(this);
    }

    public String toMarkdown() {
        return ReportMarkdown.render(this);
    }

    /** Failed requests over every measured row. */
    public long errors() {
        return rows.stream().mapToLong(RowResult::errors).sum();
    }

    /** The row labels, in report order. */
    public List<String> rowNames() {
        return rows.stream().map(RowResult::name).toList();
    }

    /** Writes {@link #JSON_FILE} and {@link #MARKDOWN_FILE} into {@code directory}, creating it. */
    public void write(Path directory) {
        try {
            Files.createDirectories(directory);
            Files.writeString(directory.resolve(JSON_FILE), toJson() + "\n", StandardCharsets.UTF_8);
            Files.writeString(directory.resolve(MARKDOWN_FILE), toMarkdown(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report into " + directory, e);
        }
    }
}
