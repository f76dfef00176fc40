package io.qgate.bench.study.routing;

import io.qgate.bench.harness.StudyCli;
import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;

/**
 * Everything one run of the scenario found, in modelled units.
 *
 * @param wallSeconds how long the whole run took on the wall clock
 * @param offeredRps  the Poisson rate offered to the gateway tier, requests per modelled second
 */
public record ScenarioReport(ScenarioOptions options, Instant startedAt, double wallSeconds, Capacity capacity,
                             double offeredRps, List<RowResult> rows, List<Ratio> ratios)
        implements StudyCli.Report {

    public static final String JSON_FILE = StudyCli.JSON_FILE;
    public static final String MARKDOWN_FILE = StudyCli.MARKDOWN_FILE;

    public ScenarioReport {
        requireNonNull(options, "options");
        requireNonNull(startedAt, "startedAt");
        requireNonNull(capacity, "capacity");
        rows = List.copyOf(rows);
        ratios = List.copyOf(ratios);
    }

    @Override
    public String toJson() {
        return ReportJson.render(this);
    }

    @Override
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
}
