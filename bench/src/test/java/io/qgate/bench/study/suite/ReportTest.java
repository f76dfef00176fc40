package io.qgate.bench.study.suite;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report is drawn from results JSON alone: a small fixture of each kind renders into markdown and PNGs. */
class ReportTest {

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    private static final List<String> FIXTURES = List.of("proxies.json", "routing.json", "connections.json");

    @TempDir
    Path dir;

    @Test
    void rendersEveryResultIntoMarkdownAndCharts() throws IOException {
        for (String name : FIXTURES) {
            try (InputStream in = getClass().getResourceAsStream("fixture/" + name)) {
                Files.copy(in, dir.resolve(name));
            }
        }

        Path report = Report.render(dir);

        String md = Files.readString(report);
        assertThat(md).contains("## Headline", "## 1. Proxy overhead", "## 2. Routing quality", "## 3. Connections",
                "qgate / nginx maximum throughput", "qgate / haproxy maximum throughput",
                "queue / round-robin p99 TTFT at 85% load", "concurrent streams: gateway heap", "**Quick runs.**");
        List<Path> charts;
        try (Stream<Path> files = Files.list(dir)) {
            charts = files.filter(file -> file.toString().endsWith(".png")).sorted().toList();
        }
        assertThat(charts).extracting(file -> file.getFileName().toString()).contains("proxies-max-small.png",
                "proxies-max-stream.png", "routing-ttft-p99-1-instance.png", "routing-ttft-cdf-3-instances.png",
                "routing-e2e-p99-3-instances.png", "connections.png");
        for (Path chart : charts) {
            byte[] head = new byte[PNG_SIGNATURE.length];
            try (InputStream in = Files.newInputStream(chart)) {
                assertThat(in.read(head)).isEqualTo(head.length);
            }
            assertThat(head).as(chart.toString()).isEqualTo(PNG_SIGNATURE);
            assertThat(md).as("the report links " + chart.getFileName()).contains("(" + chart.getFileName() + ")");
        }
    }

    @Test
    void theHeadlineShowsTheAddedP99AtEveryRateAndJudgesOnlyHalfTheMaximum() throws IOException {
        try (InputStream in = getClass().getResourceAsStream("fixture/proxies.json")) {
            Files.copy(in, dir.resolve("proxies.json"));
        }

        String md = Files.readString(Report.render(dir));

        String headline = md.substring(md.indexOf("## Headline"), md.indexOf("## 1. Proxy overhead"));
        List<String> added = headline.lines().filter(line -> line.contains("qgate's added p99")).toList();
        assertThat(added).hasSize(2);
        assertThat(added.get(0)).contains("at 167 req/s (25% of").doesNotContain("≤ 1 ms");
        assertThat(added.get(1)).contains("at 334 req/s (50% of").contains("≤ 1 ms");
    }

    @Test
    void rendersWhateverResultsThereAre() throws IOException {
        try (InputStream in = getClass().getResourceAsStream("fixture/connections.json")) {
            Files.copy(in, dir.resolve("connections.json"));
        }

        String md = Files.readString(Report.render(dir));

        assertThat(md).contains("## 3. Connections").doesNotContain("## 1. Proxy overhead");
    }
}
