package io.qgate.bench.study.proxies;

import io.qgate.bench.harness.ChildProcess;
import io.qgate.bench.harness.Cpus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Closed-loop maximum throughput with wrk: a fixed number of keep-alive connections, each sending
 * its next request as soon as the previous answer is complete (a stream counts when its last
 * chunk arrived). wrk costs a fraction of the CPU per request that a JVM load generator does, and
 * on a shared core what the load generator does not use, the replicas and the proxy can.
 */
final class Wrk {

    static final String TOOL = "wrk";
    private static final String MARK = "qgate-wrk";

    private Wrk() {}

    static Optional<Path> binary() {
        for (String dir : List.of("/usr/bin", "/usr/local/bin")) {
            Path candidate = Path.of(dir, "wrk");
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Runs wrk against {@code url} and reads the summary its script prints. */
    static LoadRun run(String target, String url, boolean stream, int connections, int threads, Duration duration,
                       Cpus cpus, Path dir, String label) {
        Path script = dir.resolve(label + ".lua");
        try {
            Files.createDirectories(dir);
            Files.writeString(script, script(stream), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + script, e);
        }
        List<String> command = List.of(binary().orElseThrow(() -> new IllegalStateException("wrk is not installed"))
                        .toString(), "-t", Integer.toString(Math.min(threads, connections)),
                "-c", Integer.toString(connections), "-d", Math.max(1, duration.toSeconds()) + "s",
                "--timeout", "10s", "-s", script.toString(), url + "/v1/chat/completions");
        ChildProcess wrk = ChildProcess.start("wrk", command, cpus, dir.resolve(label + ".txt"));
        try {
            int status = wrk.awaitExit(duration.plusSeconds(30));
            String output = wrk.output();
            String line = output.lines().filter(l -> l.startsWith(MARK)).findFirst().orElseThrow(() ->
                    new IllegalStateException("wrk (status " + status + ") printed no summary:\n" + output));
            return parse(target, connections, line);
        } finally {
            wrk.close();
        }
    }

    static LoadRun parse(String target, int connections, String line) {
        Map<String, Long> values = new HashMap<>();
        for (String pair : line.substring(MARK.length()).trim().split(" ")) {
            String[] kv = pair.split("=");
            values.put(kv[0], Long.parseLong(kv[1]));
        }
        long requests = values.get("requests");
        long errors = values.get("connect") + values.get("read") + values.get("write") + values.get("status")
                + values.get("timeout");
        long ok = Math.max(0, requests - values.get("status"));
        double seconds = values.get("duration_us") / 1e6;
        double p50 = values.get("p50_us") / 1000.0;
        double p99 = values.get("p99_us") / 1000.0;
        return new LoadRun(target, TOOL, "closed", connections, LoadRun.round(seconds), requests, ok, errors,
                LoadRun.round(ok / seconds), p50, p99, p50, p99, 0, 0, 0);
    }

    /** The request (the same small chat completion as the load generator's "tiny" workload) and the summary line. */
    static String script(boolean stream) {
        String body = "{\"model\":\"meta-llama/Llama-3.1-8B-Instruct\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"Say hello to the benchmark, briefly.\"}],\"max_tokens\":1"
                + (stream ? ",\"stream\":true,\"stream_options\":{\"include_usage\":true}}" : ",\"stream\":false}");
        return "wrk.method = \"POST\"\n"
                + "wrk.headers[\"Content-Type\"] = \"application/json\"\n"
                + "wrk.body = '" + body + "'\n"
                + "done = function(summary, latency, requests)\n"
                + "  local e = summary.errors\n"
                + "  io.write(string.format(\"" + MARK + " requests=%d duration_us=%d connect=%d read=%d write=%d "
                + "status=%d timeout=%d p50_us=%d p99_us=%d\\n\", summary.requests, summary.duration, e.connect, "
                + "e.read, e.write, e.status, e.timeout, latency:percentile(50), latency:percentile(99)))\n"
                + "end\n";
    }
}
