package io.qgate.gateway;

import io.qgate.gateway.config.GatewayConfig;
import io.qgate.testing.StubReplica;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Thousands of generated bad requests — broken framing, odd bytes, lying lengths, bad JSON —
 * against one gateway: each gets a 4xx answer or a closed connection (never a 5xx from the
 * gateway, never a hang), and the gateway keeps serving good requests throughout. The suite's
 * leak check covers the buffers.
 */
class MalformedRequestFuzzTest {

    private static final int CASES = 2_000;

    private static final List<String> HEADS = List.of(
            "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n",
            "POST /v1/embeddings HTTP/1.1\r\nHost: x\r\n",
            "GET /v1/models HTTP/1.1\r\nHost: x\r\n",
            "POST /v1/completions HTTP/1.0\r\n",
            "PUT /v1/chat/completions HTTP/1.1\r\nHost: x\r\n");

    private static final List<String> BODIES = List.of(
            "{", "}", "[]", "null", "{\"model\":", "{\"model\":1}", "{\"stream\":\"yes\"}", "{\"a\":1}garbage",
            "{\"model\":\"m\",\"messages\":[{\"content\":" + "[".repeat(3000) + "}", "\u0000\u0001\u0002",
            "{\"model\":\"\\ud800\"}", "{\"n\":1e99999}", "{\"model\":\"m\"," + "\"k\":1,".repeat(500) + "\"z\":1}");

    @Test
    void badRequestsGetA4xxOrAClosedConnectionAndTheGatewayKeepsServing() throws Exception {
        try (StubReplica replica = new StubReplica();
             Gateway gateway = Gateway.start(GatewayConfig.of(Map.of("server.host", "127.0.0.1", "server.port", "0",
                     "admin.port", "0", "endpoints", replica.url(), "shutdown.delay", "0s",
                     "scrape.enabled", "false", "server.max-body-size", "64KiB",
                     "server.max-header-size", "4KiB")))) {
            Random random = new Random(20261128);
            HttpClient http = HttpClient.newHttpClient();
            int answered = 0;
            int closed = 0;
            for (int i = 0; i < CASES; i++) {
                byte[] request = generate(random);
                int status = send(gateway.port(), request);
                if (status < 0) {
                    closed++;
                } else {
                    answered++;
                    // The stub answers 200 to whatever reaches it; the gateway's own errors are 4xx.
                    assertThat(status).as("case %d: %s", i, printable(request)).isLessThan(500);
                }
                if (i % 250 == 0) {
                    HttpResponse<String> good = http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + gateway.port() + "/v1/models")).build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertThat(good.statusCode()).isEqualTo(200);
                }
            }
            assertThat(answered).isGreaterThan(CASES / 2);
            assertThat(closed + answered).isEqualTo(CASES);
            // The last answer's bookkeeping runs when its write completes, just after the client read it.
            await().atMost(Duration.ofSeconds(5)).until(() -> gateway.metrics().inflight() == 0);
        }
    }

    private static byte[] generate(Random random) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String head = HEADS.get(random.nextInt(HEADS.size()));
        String body = BODIES.get(random.nextInt(BODIES.size()));
        byte[] bodyBytes = body.getBytes(StandardCharsets.UTF_8);
        int lengthChoice = random.nextInt(6);
        String length = switch (lengthChoice) {
            case 0 -> "Content-Length: " + bodyBytes.length + "\r\n";
            case 1 -> "Content-Length: " + (bodyBytes.length + random.nextInt(5)) + "\r\n"; // too long: waits
            case 2 -> "Content-Length: -" + random.nextInt(10) + "\r\n";
            case 3 -> "Content-Length: 9999999999999\r\n";
            case 4 -> "Transfer-Encoding: chunked\r\n";
            default -> "Content-Length: 1\r\nContent-Length: 2\r\n";
        };
        write(out, head + length);
        if (random.nextInt(8) == 0) {
            write(out, "X-Big: " + "a".repeat(5000) + "\r\n");
        }
        if (random.nextInt(10) == 0) {
            write(out, "Bad Header Without Colon\r\n");
        }
        write(out, "Connection: close\r\n\r\n");
        if (lengthChoice == 4) {
            write(out, Integer.toHexString(bodyBytes.length) + (random.nextBoolean() ? "\r\n" : "zz\r\n"));
            out.writeBytes(bodyBytes);
            write(out, "\r\n0\r\n\r\n");
        } else {
            out.writeBytes(bodyBytes);
        }
        byte[] bytes = out.toByteArray();
        if (random.nextInt(5) == 0) {
            bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256); // flip one byte anywhere
        }
        return bytes;
    }

    private static void write(ByteArrayOutputStream out, String text) {
        out.writeBytes(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** The status of the first answer, or -1 when the gateway closed without one. */
    private static int send(int port, byte[] request) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
            // Generous: a loaded CI machine must not fail this; a hang still shows as no answer at all.
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request);
                out.flush();
                socket.shutdownOutput();
            } catch (IOException e) {
                return -1; // closed while we wrote: an answer to garbage
            }
            InputStream in = socket.getInputStream();
            byte[] line = new byte[12];
            int read = 0;
            try {
                while (read < 12) {
                    int n = in.read(line, read, 12 - read);
                    if (n < 0) {
                        break;
                    }
                    read += n;
                }
            } catch (SocketTimeoutException e) {
                // A request that claims more body than it sent waits for it; with the output shut
                // the gateway must see the end of input and close, not hang.
                throw new AssertionError("no answer and no close within 10 s");
            } catch (IOException e) {
                return -1;
            }
            if (read < 12) {
                return -1;
            }
            return Integer.parseInt(new String(line, 9, 3, StandardCharsets.ISO_8859_1));
        }
    }

    private static String printable(byte[] request) {
        String text = new String(request, StandardCharsets.ISO_8859_1);
        return (text.length() > 300 ? text.substring(0, 300) + "…" : text).replace("\r", "\\r").replace("\n", "\\n");
    }
}
