package io.qgate.gateway;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.qgate.gateway.config.GatewayConfig;
import io.qgate.routing.Endpoint;
import io.qgate.testing.HeadlessChromium;
import io.qgate.testing.OpenAiStub;
import io.qgate.testing.StubReplica;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The status page in a real browser (headless Chromium; skipped without it), against a gateway
 * in front of three busy replicas and one that is down: the page's own script fetches
 * {@code status.json} and builds the DOM, so this proves the page, the JSON and the handler
 * together. Also writes the screenshot of docs/status-page.png: set
 * {@code -Dqgate.statusPage.screenshot=../docs/status-page.png} to replace it.
 */
class StatusPageBrowserTest {

    /** Requests an engine stub runs at once; the rest wait, and its metrics say so. */
    private static final int ENGINE_BATCH = 4;
    private static final Pattern ROW = Pattern.compile("<tr data-replica=\"([^\"]+)\" data-state=\"([^\"]+)\">");

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final AtomicBoolean loadRunning = new AtomicBoolean(true);
    private final ExecutorService clients = Executors.newCachedThreadPool();

    @AfterEach
    void closeAll() throws Exception {
        loadRunning.set(false);
        clients.shutdown();
        assertThat(clients.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    @Test
    void theBrowserShowsEveryReplicaWithItsStateAndChartsTheRequests() throws Exception {
        HeadlessChromium chromium = HeadlessChromium.assumeInstalled();
        List<StubReplica> engines = List.of(engine(40), engine(70), engine(110));
        int down = freePort();
        StringBuilder endpoints = new StringBuilder();
        engines.forEach(e -> endpoints.append(e.url()).append(','));
        endpoints.append("http://127.0.0.1:").append(down);
        Gateway gateway = Gateway.start(GatewayConfig.of(Map.of("server.host", "127.0.0.1", "server.port", "0",
                "admin.port", "0", "endpoints", endpoints.toString(), "shutdown.delay", "0s",
                "scrape.interval", "200ms", "scrape.timeout", "150ms")));
        resources.add(gateway);
        // Streams that keep the engines busy, and small embeddings that batch while they are.
        startLoad(gateway.port(), "/v1/chat/completions",
                "{\"model\":\"demo\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", 14);
        startLoad(gateway.port(), "/v1/embeddings", "{\"model\":\"demo\",\"input\":\"hello\"}", 6);
        await().atMost(Duration.ofSeconds(10)).until(() -> engines.stream().allMatch(e ->
                gateway.router().load(Endpoint.of("127.0.0.1", e.port())).fresh(System.nanoTime(), 1_000_000_000L))
                && gateway.metrics().recent(10).answered() > 20);
        String page = "http://127.0.0.1:" + gateway.adminPort() + "/";

        String dom = chromium.dumpDom(page, 3_000);

        Map<String, String> states = new LinkedHashMap<>();
        Matcher row = ROW.matcher(dom);
        while (row.find()) {
            states.put(row.group(1), row.group(2));
        }
        assertThat(states).as("one row per replica, from the page's own fetch of status.json")
                .containsOnlyKeys(addresses(engines, down).toArray(String[]::new));
        for (StubReplica engine : engines) {
            assertThat(states).containsEntry("127.0.0.1:" + engine.port(), "ready");
        }
        assertThat(dom).contains("data-pool=\"default\"")
                .containsPattern("id=\"health\" class=\"badge ok\">ready<")
                // Requests answered in the last seconds: the latency figure is a number, not a dash.
                .containsPattern("id=\"latency\"><span class=\"figure\"><b>[0-9.]+ (µs|ms|s)</b>");
        // The request chart drew a line from the samples the page fetched.
        int chart = dom.indexOf("id=\"chart-requests\"");
        assertThat(chart).isPositive();
        assertThat(dom.substring(chart, dom.indexOf("</svg>", chart))).contains("<path d=\"M");

        // Minutes of the page's time (seconds of ours: the page waits for no timer), for charts
        // worth a look; the docs' copy fills the charts' five minutes.
        String docsCopy = System.getProperty("qgate.statusPage.screenshot", "");
        Path png = Path.of("target", "status-page.png");
        chromium.screenshot(page, docsCopy.isBlank() ? 120_000 : 300_000, png, 1280, 900);
        byte[] bytes = Files.readAllBytes(png);
        assertThat(bytes).startsWith(0x89, 'P', 'N', 'G');
        assertThat(bytes.length).isGreaterThan(20_000);
        if (!docsCopy.isBlank()) {
            Files.copy(png, Path.of(docsCopy), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static List<String> addresses(List<StubReplica> engines, int down) {
        List<String> addresses = new ArrayList<>();
        engines.forEach(e -> addresses.add("127.0.0.1:" + e.port()));
        addresses.add("127.0.0.1:" + down);
        return addresses;
    }

    /** A port nothing listens on: the replica that is down. */
    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Closed-loop clients posting {@code body} to {@code path} through the gateway until the test ends. */
    private void startLoad(int port, String path, String body, int clientsCount) {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        for (int i = 0; i < clientsCount; i++) {
            clients.execute(() -> {
                while (loadRunning.get()) {
                    try {
                        http.send(request, BodyHandlers.discarding());
                    } catch (Exception e) {
                        // A refused or cut request is part of the picture (the replica that is down).
                    }
                }
            });
        }
    }

    /**
     * A replica that answers like a small engine: {@link #ENGINE_BATCH} streams run at once, the
     * others wait for a turn, so the first token comes later the busier it is; its metrics report
     * what runs and what waits. Embeddings are answered at once, item by item, so batches split.
     */
    private StubReplica engine(int serviceMillis) {
        AtomicInteger open = new AtomicInteger();
        OpenAiStub embeddings = new OpenAiStub();
        StubReplica stub = new StubReplica().respondWith((ctx, req, s) -> {
            if (req.uri().equals("/metrics")) {
                metrics(ctx, open.get());
                return;
            }
            if (req.uri().equals("/v1/embeddings")) {
                embeddings.respond(ctx, req, s);
                return;
            }
            int position = open.incrementAndGet();
            HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream");
            HttpUtil.setTransferEncodingChunked(head, true);
            ctx.writeAndFlush(head);
            long firstToken = (long) serviceMillis * (1 + (position - 1) / ENGINE_BATCH);
            ctx.executor().schedule(() -> stream(ctx, open, 0), firstToken, TimeUnit.MILLISECONDS);
        });
        resources.add(stub);
        return stub;
    }

    private static void stream(ChannelHandlerContext ctx, AtomicInteger open, int index) {
        if (!ctx.channel().isActive()) {
            open.decrementAndGet();
            return;
        }
        if (index == 5) {
            ctx.write(new DefaultHttpContent(Unpooled.copiedBuffer("data: [DONE]\n\n", StandardCharsets.UTF_8)));
            ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
            open.decrementAndGet();
            return;
        }
        ctx.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer("data: {\"choices\":[{\"index\":0,\"delta\":"
                + "{\"content\":\"token\"}}]}\n\n", StandardCharsets.UTF_8)));
        ctx.executor().schedule(() -> stream(ctx, open, index + 1), 15, TimeUnit.MILLISECONDS);
    }

    private static void metrics(ChannelHandlerContext ctx, int open) {
        int running = Math.min(open, ENGINE_BATCH);
        String text = "# TYPE vllm:num_requests_running gauge\n"
                + "vllm:num_requests_running{model_name=\"demo\"} " + running + "\n"
                + "# TYPE vllm:num_requests_waiting gauge\n"
                + "vllm:num_requests_waiting{model_name=\"demo\"} " + Math.max(0, open - ENGINE_BATCH) + "\n"
                + "# TYPE vllm:kv_cache_usage_perc gauge\n"
                + "vllm:kv_cache_usage_perc{model_name=\"demo\"} " + (0.1 + 0.2 * running) + "\n";
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        ctx.writeAndFlush(response);
    }
}
