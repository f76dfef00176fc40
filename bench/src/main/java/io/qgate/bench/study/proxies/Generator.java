package io.qgate.bench.study.proxies;

import io.qgate.bench.harness.ChildProcess;
import io.qgate.bench.harness.Cpus;
import io.qgate.bench.harness.JavaCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The project's load generator ({@code qgate-bench.jar load}) in a process of its own, so that it
 * can be pinned and its sockets count against its own open-file limit.
 */
final class Generator {

    static final String TOOL = "qgate-bench load";

    private Generator() {}

    /**
     * @param rate        Poisson requests per second, or 0 for a closed loop of {@code concurrency}
     * @param extra       further {@code load} options
     */
    static LoadRun run(String target, String url, boolean stream, double rate, int concurrency, Duration duration,
                       Duration warmup, int threads, Cpus cpus, Path dir, String label, List<String> extra) {
        Path out = dir.resolve(label + ".json");
        List<String> args = new ArrayList<>(List.of("--url", url, "--workload", "tiny", "--quiet",
                "--duration", duration.toMillis() + "ms", "--threads", Integer.toString(threads),
                "--out", out.toString()));
        if (rate > 0) {
            args.addAll(List.of("--rate", String.format(Locale.ROOT, "%.1f", rate)));
        } else {
            args.addAll(List.of("--concurrency", Integer.toString(concurrency)));
        }
        if (!warmup.isZero()) {
            args.addAll(List.of("--warmup", warmup.toMillis() + "ms"));
        }
        if (stream) {
            args.add("--stream");
        }
        args.addAll(extra);
        ChildProcess load = ChildProcess.start("load", JavaCommand.bench(List.of(), "load", args), cpus,
                dir.resolve(label + ".txt"));
        try {
            int status = load.awaitExit(duration.plus(warmup).plusSeconds(150));
            if (status != 0) {
                throw new IllegalStateException("load generator failed (status " + status + "):\n" + load.output());
            }
            return read(target, rate > 0 ? "open" : "closed", rate > 0 ? rate : concurrency, out);
        } finally {
            load.close();
        }
    }

    static LoadRun read(String target, String loop, double offered, Path results) {
        JsonNode summary;
        try {
            summary = JsonMapper.shared().readTree(results.toFile()).path("summary");
        } catch (RuntimeException e) {
            throw new UncheckedIOException(new IOException("cannot read " + results, e));
        }
        long errors = 0;
        for (JsonNode count : summary.path("errors")) {
            errors += count.asLong();
        }
        return new LoadRun(target, TOOL, loop, offered, summary.path("durationSeconds").asDouble(),
                summary.path("requests").asLong(), summary.path("ok").asLong(), errors,
                summary.path("throughputRps").asDouble(), summary.path("ttftMs").path("p50").asDouble(),
                summary.path("ttftMs").path("p99").asDouble(), summary.path("e2eMs").path("p50").asDouble(),
                summary.path("e2eMs").path("p99").asDouble(), 0, 0, 0);
    }
}
