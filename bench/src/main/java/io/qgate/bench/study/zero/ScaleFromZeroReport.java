package io.qgate.bench.study.zero;

import io.qgate.bench.harness.StudyCli;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code report.md} and {@code results.json} of the live scale-from-zero proof. */
record ScaleFromZeroReport(ScaleFromZeroRun.Result result) implements StudyCli.Report {

    @Override
    public String toMarkdown() {
        ScaleFromZeroRun.Options options = result.options();
        List<HeldRequest.Answer> all = answers();
        StringBuilder md = new StringBuilder("# Scale from zero, live\n\n");
        md.append(String.format(Locale.ROOT, "- A gateway in this JVM, `discovery.file` listing no replica, "
                        + "`scale-from-zero.enabled: true` (other settings default, batching off); `/readyz` answered "
                        + "**%d** while the pool was empty.%n", result.readyWhileEmpty()));
        md.append(String.format(Locale.ROOT, "- A stand-in autoscaler reads `/scaling?pool=default` every %s ms; on "
                        + "demand it starts a simulated replica after a modelled load of %s s and writes it into the "
                        + "file; after %s s without demand it removes it and stops it.%n", options.poll().toMillis(),
                seconds(options.load()), seconds(options.cooldown())));
        md.append(String.format(Locale.ROOT, "- %d chat requests at once (every second one streamed), %d tokens "
                        + "each; then, once the replica is gone, one more. Wall time %.1f s.%n%n", options.requests(),
                options.maxTokens(), result.wallSeconds()));
        long complete = all.stream().filter(HeldRequest.Answer::complete).count();
        md.append(String.format(Locale.ROOT, "**%d of %d answered 200 and whole**; the pool woke %d times and was put "
                        + "back to zero %d time(s); the most requests `/scaling` showed waiting for a replica: %d.%n%n",
                complete, all.size(), result.wakeUps(), result.removals(), result.maxWaitingForReplica()));
        md.append("| request | streamed | status | whole | wait for the response head s | total s | problem |\n");
        md.append("|---:|---|---:|---|---:|---:|---|\n");
        for (HeldRequest.Answer answer : all) {
            md.append(String.format(Locale.ROOT, "| %d%s | %s | %d | %s | %.2f | %.2f | %s |%n", answer.index(),
                    answer.index() == options.requests() ? " (after the cooldown)" : "", answer.streamed() ? "yes" : "no",
                    answer.status(), answer.complete() ? "yes" : "**no**", answer.waitSeconds(), answer.totalSeconds(),
                    answer.problem().isEmpty() ? "" : answer.problem().replace("|", "\\|")));
        }
        md.append("\n## What the stand-in did\n\n| s | event |\n|---:|---|\n");
        for (StandInAutoscaler.Event event : result.events()) {
            md.append(String.format(Locale.ROOT, "| %.1f | %s |%n", event.atSeconds(), event.what()));
        }
        md.append('\n');
        return md.toString();
    }

    @Override
    public String toJson() {
        ScaleFromZeroRun.Options options = result.options();
        ObjectNode root = JsonMapper.shared().createObjectNode();
        root.put("study", "scale-from-zero");
        root.put("startedAt", result.startedAt().toString());
        root.put("wallSeconds", result.wallSeconds());
        ObjectNode setup = root.putObject("setup");
        setup.put("requests", options.requests());
        setup.put("maxTokens", options.maxTokens());
        setup.put("pollMillis", options.poll().toMillis());
        setup.put("loadMillis", options.load().toMillis());
        setup.put("cooldownMillis", options.cooldown().toMillis());
        root.put("readyWhileEmpty", result.readyWhileEmpty());
        root.put("allAnswered", result.allAnswered());
        root.put("wakeUps", result.wakeUps());
        root.put("removals", result.removals());
        root.put("maxWaitingForReplica", result.maxWaitingForReplica());
        ArrayNode answers = root.putArray("answers");
        for (HeldRequest.Answer answer : answers()) {
            ObjectNode node = answers.addObject();
            node.put("index", answer.index());
            node.put("afterCooldown", answer.index() == options.requests());
            node.put("streamed", answer.streamed());
            node.put("status", answer.status());
            node.put("complete", answer.complete());
            node.put("waitSeconds", Double.isNaN(answer.waitSeconds()) ? -1 : answer.waitSeconds());
            node.put("totalSeconds", Double.isNaN(answer.totalSeconds()) ? -1 : answer.totalSeconds());
            node.put("problem", answer.problem());
        }
        ArrayNode events = root.putArray("events");
        for (StandInAutoscaler.Event event : result.events()) {
            events.addObject().put("atSeconds", event.atSeconds()).put("event", event.what());
        }
        return JsonMapper.shared().writerWithDefaultPrettyPrinter().writeValueAsString(root);
    }

    private List<HeldRequest.Answer> answers() {
        List<HeldRequest.Answer> all = new ArrayList<>(result.burst());
        all.add(result.afterCooldown());
        return all;
    }

    private static String seconds(java.time.Duration duration) {
        return String.format(Locale.ROOT, "%.1f", duration.toMillis() / 1000.0);
    }
}
