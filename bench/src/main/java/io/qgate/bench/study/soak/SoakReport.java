package io.qgate.bench.study.soak;

import io.qgate.routing.config.Units;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Writes a soak's {@code results.json} and {@code report.md}. */
final class SoakReport {

    static final String JSON_FILE = "results.json";
    static final String MARKDOWN_FILE = "report.md";
    private static final int LISTED_LINES = 10;

    private SoakReport() {}

    static void write(SoakResult result, Path dir) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(JSON_FILE), json(result) + "\n", StandardCharsets.UTF_8);
            Files.writeString(dir.resolve(MARKDOWN_FILE), markdown(result), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report into " + dir, e);
        }
    }

    static String json(SoakResult r) {
        JsonMapper mapper = JsonMapper.shared();
        ObjectNode root = mapper.createObjectNode();
        root.put("startedAt", r.startedAt().toString());
        root.put("passed", r.passed());
        ArrayNode checks = root.putArray("checks");
        for (SoakResult.Check check : r.checks()) {
            ObjectNode node = checks.addObject().put("name", check.name()).put("detail", check.detail());
            if (check.passed() == null) {
                node.putNull("passed");
            } else {
                node.put("passed", check.passed());
            }
        }
        SoakOptions o = r.options();
        ObjectNode config = root.putObject("config");
        config.put("durationSeconds", o.duration().toMillis() / 1000.0);
        config.put("replicas", o.replicas());
        config.put("maxNumSeqs", o.maxNumSeqs());
        config.put("timeScale", o.timeScale());
        config.put("killEverySeconds", o.killEvery().toMillis() / 1000.0);
        config.put("restartAfterSeconds", o.restartAfter().toMillis() / 1000.0);
        config.put("abortFraction", o.abortFraction());
        config.put("loadFraction", o.loadFraction());
        config.put("clientThreads", o.clientThreads());
        config.put("seed", o.seed());
        ArrayNode command = config.putArray("gatewayCommand");
        r.gatewayCommand().forEach(command::add);
        if (r.probe() != null) {
            SoakResult.Probe p = r.probe();
            root.putObject("probe").put("users", p.users()).put("windowSeconds", p.windowSeconds())
                    .put("okInWindow", p.okInWindow()).put("failed", p.failed()).put("maxRps", round(p.maxRps()));
        }
        putNumber(root, "maxRps", r.maxRps());
        root.put("offeredRps", round(r.offeredRps()));
        root.put("loadSeconds", round(r.loadSeconds()));
        ObjectNode kinds = root.putObject("sentByKind");
        r.sentByKind().forEach(kinds::put);

        Accounting a = r.accounting();
        ObjectNode accounting = root.putObject("accounting");
        accounting.put("sent", a.sent()).put("answered", a.ok()).put("aborted", a.aborted())
                .put("lostToKill", a.lostToKillTotal()).put("otherFailures", a.unexplainedTotal())
                .put("ended", a.ended()).put("endedTwice", a.doubleEndings());
        putEndings(accounting.putObject("lostToKillByEnding"), a.lostToKill());
        putEndings(accounting.putObject("otherFailuresByEnding"), a.unexplained());
        ArrayNode ids = accounting.putArray("otherFailureIds");
        a.unexplainedIds().forEach(ids::add);
        ArrayNode lostIds = accounting.putArray("lostToKillIds");
        a.lostIds().forEach(lostIds::add);
        ArrayNode kills = accounting.putArray("kills");
        for (Accounting.KillOutcome kill : a.kills()) {
            kills.addObject().put("replica", kill.replica()).put("atSeconds", round(kill.atSeconds()))
                    .put("connectionsReset", kill.connectionsReset()).put("cut", kill.cut())
                    .put("lost", kill.lost()).put("aborted", kill.aborted()).put("answeredElsewhere", kill.answered())
                    .put("restarted", kill.restarted());
        }
        ObjectNode gateway = accounting.putObject("gateway");
        putCodes(gateway.putObject("expectedByStatus"), a.expectedAtGateway());
        putCodes(gateway.putObject("countedByStatus"), a.gateway().answeredByCode());
        gateway.put("expectedReceived", a.expectedReceived()).put("countedReceived", a.gateway().received());
        ArrayNode perReplica = root.putArray("answeredPerReplica");
        r.answeredPerReplica().forEach(perReplica::add);

        SoakResult.Latency l = r.latency();
        root.putObject("latencyMs").put("answers", l.count()).put("ttftP50", l.ttftP50()).put("ttftP99", l.ttftP99())
                .put("e2eP50", l.e2eP50()).put("e2eP90", l.e2eP90()).put("e2eP99", l.e2eP99())
                .put("e2eMax", l.e2eMax());

        ObjectNode heap = root.putObject("heap");
        if (r.heapUnavailable() != null) {
            heap.put("unavailable", r.heapUnavailable());
        }
        putNumber(heap, "slopeMbPerMinAfterWarmup", r.heapTrend().slopeMbPerMin());
        heap.put("samplesAfterWarmup", r.heapTrend().samples());
        putNumber(heap, "slopeMbPerMinAll", r.heapTrendAll().slopeMbPerMin());
        heap.put("slopeLimitMbPerMin", o.heapSlopeLimitMb());
        heap.put("warmupSeconds", o.heapWarmup().toMillis() / 1000.0);
        ArrayNode readings = heap.putArray("afterGcMb");
        for (GatewayHeap.Sample sample : r.heap()) {
            ObjectNode node = readings.addObject().put("heap", round(GatewayHeap.Sample.mb(sample.heapUsed())));
            putNumber(node, "oldGen", sample.oldGenUsed() < 0 ? Double.NaN : round(GatewayHeap.Sample.mb(sample.oldGenUsed())));
        }
        root.put("leakReports", r.leakReports().size());
        ArrayNode leaks = root.putArray("leakLines");
        r.leakReports().stream().limit(LISTED_LINES).forEach(leaks::add);
        root.put("gatewayWarnings", r.gatewayWarnings().size());
        root.put("gatewayAliveAtEnd", r.gatewayAliveAtEnd());

        ArrayNode series = root.putArray("samples");
        for (SoakResult.Sample s : r.samples()) {
            ObjectNode node = series.addObject().put("atSeconds", s.atSeconds()).put("sentPerSecond", s.sentPerSecond())
                    .put("okPerSecond", s.okPerSecond()).put("aborted", s.aborted()).put("failed", s.failed())
                    .put("inFlight", s.inFlight()).put("ttftP99Ms", s.ttftP99Ms()).put("e2eP99Ms", s.e2eP99Ms())
                    .put("replicasUp", s.replicasUp());
            putNumber(node, "heapMb", s.heapMb());
            putNumber(node, "oldGenMb", s.oldGenMb());
        }
        return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    }

    static String markdown(SoakResult r) {
        SoakOptions o = r.options();
        Accounting a = r.accounting();
        StringBuilder md = new StringBuilder();
        md.append("# Soak: replica kills and client aborts under load\n\n");
        md.append("Started ").append(r.startedAt()).append(". Verdict: **").append(r.passed() ? "PASS" : "FAIL")
                .append("**.\n\n");
        md.append("| criterion | result | detail |\n|---|---|---|\n");
        for (SoakResult.Check check : r.checks()) {
            md.append("| ").append(check.name()).append(" | ")
                    .append(check.passed() == null ? "not judged" : check.passed() ? "pass" : "**FAIL**")
                    .append(" | ").append(check.detail()).append(" |\n");
        }

        md.append("\n## Set-up\n\n");
        md.append(f("- **Replicas**: %d simulated LiteLLM + vLLM replicas (max-num-seqs %d, time scale %s) in the bench"
                + " JVM. Every %s one of them, in turn, is killed: each of its connections is reset (RST), its"
                + " listener closed and its engine stopped; %s later it starts again on the same port with an"
                + " empty engine.%n", o.replicas(), o.maxNumSeqs(), o.timeScale(), Units.format(o.killEvery()),
                Units.format(o.restartAfter())));
        md.append("- **Gateway**: the packaged jar in a JVM of its own, default configuration:\n  `")
                .append(String.join(" ", r.gatewayCommand())).append("`\n");
        if (r.probe() != null) {
            SoakResult.Probe p = r.probe();
            md.append(f("- **Maximum throughput**: %.1f answers/s, measured through the gateway by a closed loop of %d"
                    + " users (twice the fleet's batch slots), counted between 25%% and 95%% of a %s run"
                    + " (%d answers in %.1f s, %d failed).%n", p.maxRps(), p.users(), Units.format(o.probeDuration()),
                    p.okInWindow(), p.windowSeconds(), p.failed()));
            md.append(f("- **Load**: open loop (Poisson arrivals, latency from each request's intended start) at"
                    + " %.1f req/s, %.0f%% of the maximum, for %s.%n", r.offeredRps(), 100 * o.loadFraction(),
                    Units.format(o.duration())));
        } else {
            md.append(f("- **Load**: open loop (Poisson arrivals) at the given %.1f req/s for %s.%n", r.offeredRps(),
                    Units.format(o.duration())));
        }
        md.append(f("- **Requests**: streamed chat 40%%, chat 20%%, streamed completions 20%%, completions 20%%"
                + " (batchable by the gateway), 16-160 output tokens, one of 32 tenants' system prompts in front."
                + " %.1f%% of the clients instead ask for a %d-token stream and close the connection once"
                + " %d events have arrived. Every request carries a unique `X-Request-Id`. Sent: %s.%n",
                100 * o.abortFraction(), SoakTraffic.ABORTED_OUTPUT_TOKENS, SoakTraffic.ABORT_AFTER_EVENTS,
                r.sentByKind()));

        md.append("\n## Where every request went\n\n");
        md.append("| ending | requests |\n|---|---:|\n");
        md.append(f("| sent | %d |%n", a.sent()));
        md.append(f("| answered (complete 2xx; streams up to `[DONE]`) | %d |%n", a.ok()));
        md.append(f("| aborted by the client | %d |%n", a.aborted()));
        md.append(f("| lost to a replica kill %s | %d |%n", endings(a.lostToKill()), a.lostToKillTotal()));
        md.append(f("| any other failure %s | %d |%n", endings(a.unexplained()), a.unexplainedTotal()));
        md.append("\n**Lost to a replica kill** means: the request was being served on a replica connection when the"
                + " kill reset it (the replica saw its `X-Request-Id` and had not finished writing the answer), and"
                + " its client got a stream that ended with the gateway's SSE `error` event, a cut connection, or a"
                + " 502. Once a stream's first bytes have reached the client the gateway cannot replay it elsewhere"
                + " (the client would get two answers). A cut request whose answer had not started yet is sent to"
                + " another replica by the gateway and answered; so are requests routed to the dead replica while it"
                + " was down (connection refused, then retried).\n");
        listIds(md, "Requests lost to kills", a.lostIds());
        listIds(md, "Other failures", a.unexplainedIds());

        md.append("\n## Kills\n\n");
        if (a.kills().isEmpty()) {
            md.append("No kill: the run was shorter than the kill interval plus the restart delay.\n");
        } else {
            md.append("| at (s) | replica | connections reset | requests cut | failed at the client |"
                    + " aborted by client | answered elsewhere | back |\n|---:|---:|---:|---:|---:|---:|---:|---|\n");
            for (Accounting.KillOutcome kill : a.kills()) {
                md.append(f("| %.1f | %d | %d | %d | %d | %d | %d | %s |%n", kill.atSeconds(), kill.replica(),
                        kill.connectionsReset(), kill.cut(), kill.lost(), kill.aborted(), kill.answered(),
                        kill.restarted() ? "yes" : "**no**"));
            }
        }
        md.append("\nAnswers per replica over the run (all lives): ").append(r.answeredPerReplica()).append(".\n");

        md.append("\n## The gateway's counters\n\n");
        md.append("`qgate_requests_total` summed over model and route, the difference between a scrape before the"
                + " soak and one after it, against what the generator's endings imply (answers under their status;"
                + " aborts as 499, the gateway's code for a client that left; cut streams and resets as 502):\n\n");
        md.append("| status | generator implies | gateway counted |\n|---:|---:|---:|\n");
        java.util.TreeSet<Integer> codes = new java.util.TreeSet<>(a.expectedAtGateway().keySet());
        codes.addAll(a.gateway().answeredByCode().keySet());
        for (int code : codes) {
            md.append(f("| %d | %d | %d |%n", code, a.expectedAtGateway().getOrDefault(code, 0L),
                    a.gateway().answered(code)));
        }
        md.append(f("| received (`qgate_requests_received_total`) | %d | %d |%n", a.expectedReceived(),
                a.gateway().received()));

        md.append("\n## Heap\n\n");
        if (r.heapUnavailable() != null) {
            md.append("Not read: ").append(r.heapUnavailable()).append("\n");
        }
        if (!r.heap().isEmpty()) {
            md.append(heapLine("heap used after a full GC", r.heap().stream().map(GatewayHeap.Sample::heapUsed).toList()));
            List<Long> old = r.heap().stream().map(GatewayHeap.Sample::oldGenUsed).filter(v -> v >= 0).toList();
            if (!old.isEmpty()) {
                md.append(heapLine("old generation after a full GC", old));
            }
            md.append(f("- trend after the first %s: %s MB/min over %d samples (flat: at most %.2f MB/min);"
                            + " over every sample of the load: %s MB/min%n", Units.format(o.heapWarmup()),
                    slope(r.heapTrend()), r.heapTrend().samples(), o.heapSlopeLimitMb(), slope(r.heapTrendAll())));
            md.append("\nThe gateway exports no JVM metrics, so the heap is read over JMX (the JDK's attach"
                    + " mechanism starts the gateway's local management agent); each reading follows a full GC"
                    + " requested the same way, every sampling interval and after the leak check. The trend leaves"
                    + " out the warm-up: bounded caches fill then, chiefly prefix affinity's"
                    + " (`routing.prefix-cache-size`, 100,000 prompt-block hashes, about 15 MB when full), which"
                    + " distinct prompts at about 100 req/s fill in 3 to 4 minutes. Growth while it fills is"
                    + " bounded; a leak keeps growing after it.\n");
        }

        md.append("\n## Leaks\n\n");
        md.append(f("%d `LEAK:` report(s) in the gateway's output (Netty's detector at `advanced`, which tracks a"
                + " sample of the buffers; after the load, two rounds of a full GC and a %s burst of requests make it"
                + " look at what was collected).%n", r.leakReports().size(), Units.format(java.time.Duration.ofSeconds(2))));
        r.leakReports().stream().limit(LISTED_LINES).forEach(line -> md.append("    ").append(line).append('\n'));

        SoakResult.Latency l = r.latency();
        md.append("\n## Latency of the answers\n\n");
        md.append("| ms | p50 | p90 | p99 | max |\n|---|---:|---:|---:|---:|\n");
        md.append(f("| time to first token (streams) | %.1f | | %.1f | |%n", l.ttftP50(), l.ttftP99()));
        md.append(f("| end to end | %.1f | %.1f | %.1f | %.1f |%n", l.e2eP50(), l.e2eP90(), l.e2eP99(), l.e2eMax()));

        md.append("\n## Over time\n\n");
        md.append("| t (s) | sent/s | answered/s | aborted | failed | in flight | p99 TTFT ms | p99 e2e ms |"
                + " heap MB after GC | replicas up |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (SoakResult.Sample s : r.samples()) {
            md.append(f("| %.0f | %.1f | %.1f | %d | %d | %d | %.1f | %.1f | %s | %d |%n", s.atSeconds(),
                    s.sentPerSecond(), s.okPerSecond(), s.aborted(), s.failed(), s.inFlight(), s.ttftP99Ms(),
                    s.e2eP99Ms(), Double.isNaN(s.heapMb()) ? "" : f("%.1f", s.heapMb()), s.replicasUp()));
        }
        md.append("\nNo plot: JFreeChart is not on the bench module's classpath in this version.\n");

        md.append("\n## Gateway output\n\n");
        md.append(f("%d line(s) at WARN or ERROR (replica ejections after repeated failures are expected around"
                + " each kill). The whole output is `gateway.log` next to this report.%n", r.gatewayWarnings().size()));
        r.gatewayWarnings().stream().map(SoakReport::withoutTimestamp).distinct().limit(LISTED_LINES)
                .forEach(line -> md.append("    ").append(line).append('\n'));
        return md.toString();
    }

    private static void listIds(StringBuilder md, String title, List<String> ids) {
        if (!ids.isEmpty()) {
            md.append('\n').append(title).append(" (up to ").append(Accounting.LISTED_IDS).append("):\n\n");
            ids.forEach(id -> md.append("- `").append(id).append("`\n"));
        }
    }

    private static String heapLine(String what, List<Long> bytes) {
        long max = bytes.stream().mapToLong(Long::longValue).max().orElse(0);
        return f("- %s: first %.1f MB, last %.1f MB, max %.1f MB (%d readings)%n", what,
                GatewayHeap.Sample.mb(bytes.get(0)), GatewayHeap.Sample.mb(bytes.get(bytes.size() - 1)),
                GatewayHeap.Sample.mb(max), bytes.size());
    }

    private static String slope(HeapTrend trend) {
        return trend.judged() ? f("%+.3f", trend.slopeMbPerMin()) : "n/a";
    }

    private static String endings(Map<Ending, Long> byEnding) {
        if (byEnding.isEmpty()) {
            return "";
        }
        return byEnding.entrySet().stream()
                .map(e -> e.getKey().name().toLowerCase(Locale.ROOT) + " " + e.getValue())
                .collect(Collectors.joining(", ", "(", ")"));
    }

    /** slf4j-simple starts a line with its timestamp; repeated warnings differ only there. */
    private static String withoutTimestamp(String line) {
        int bracket = line.indexOf(" [");
        return bracket > 0 ? line.substring(bracket + 1) : line;
    }

    private static void putEndings(ObjectNode node, Map<Ending, Long> byEnding) {
        byEnding.forEach((ending, count) -> node.put(ending.name().toLowerCase(Locale.ROOT), count));
    }

    private static void putCodes(ObjectNode node, Map<Integer, Long> byCode) {
        new java.util.TreeMap<>(byCode).forEach((code, count) -> node.put(Integer.toString(code), count));
    }

    /** JSON has no NaN: a value that was not measured is null. */
    private static void putNumber(ObjectNode node, String name, double value) {
        if (Double.isNaN(value)) {
            node.putNull(name);
        } else {
            node.put(name, round(value));
        }
    }

    private static double round(double value) {
        return Math.round(value * 1000.0) / 1000.0;
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
