package io.qgate.gateway;

import io.qgate.testing.StubReplica;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a request can and cannot make the gateway do: odd JSON is refused with 400 or relayed
 * byte for byte, never a 5xx from the gateway; nothing in a request (Host header, an absolute
 * URI, URLs in the body) chooses where it goes.
 */
class InputHardeningTest extends LoopbackGatewayTest {

    @Test
    void jsonNestedDeeperThanTheLimitIsRefusedWith400() throws Exception {
        StubReplica replica = stub();
        Gateway gateway = gateway(replica.url());
        String deep = "[".repeat(200) + "]".repeat(200);

        HttpResponse<String> answer = post(gateway, "/v1/chat/completions",
                "{\"model\":\"m\",\"messages\":" + deep + "}");

        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(answer.body()).contains("\"code\":\"invalid_json\"").containsIgnoringCase("nesting depth");
        assertThat(replica.received()).isEmpty();
        String nestedButFine = "[".repeat(100) + "]".repeat(100);
        assertThat(post(gateway, "/v1/chat/completions", "{\"model\":\"m\",\"x\":" + nestedButFine + "}")
                .statusCode()).isEqualTo(200);
    }

    @Test
    void aContentLengthThatIsNotANumberGets400JsonAndTheGatewayGoesOn() throws Exception {
        StubReplica replica = stub();
        Gateway gateway = gateway(replica.url());

        for (String length : new String[] {"abc", "1, 2", "-1", "0x10"}) {
            try (io.qgate.testing.RawHttpConnection client = new io.qgate.testing.RawHttpConnection(gateway.port())) {
                io.qgate.testing.RawHttpConnection.Response answer = client.send("POST /v1/chat/completions HTTP/1.1\r\n"
                        + "Host: x\r\nContent-Length: " + length + "\r\n\r\n{}").read();

                assertThat(answer.status()).as(length).isEqualTo(400);
                assertThat(answer.body()).contains("\"code\":\"bad_request\"");
                assertThat(client.closedByServer()).isTrue();
            }
        }
        assertThat(replica.received()).isEmpty();
        assertThat(post(gateway, "/v1/chat/completions", "{}").statusCode()).isEqualTo(200);
    }

    @Test
    void hugeNumbersAreRefusedAndOrdinaryOnesPass() throws Exception {
        StubReplica replica = stub();
        Gateway gateway = gateway(replica.url());

        HttpResponse<String> huge = post(gateway, "/v1/completions",
                "{\"model\":\"m\",\"prompt\":\"x\",\"max_tokens\":" + "9".repeat(5000) + "}");
        assertThat(huge.statusCode()).isEqualTo(400);
        assertThat(huge.body()).contains("\"code\":\"invalid_json\"");

        HttpResponse<String> big = post(gateway, "/v1/completions",
                "{\"model\":\"m\",\"prompt\":\"x\",\"seed\":123456789012345678901234567890,\"temperature\":1e308}");
        assertThat(big.statusCode()).isEqualTo(200);
        assertThat(replica.received()).hasSize(1);
    }

    @Test
    void oddUnicodeIsRelayedByteForByteAndInvalidUtf8IsRefused() throws Exception {
        StubReplica replica = stub().respondWith(StubReplica.json("{\"ok\":true}"));
        Gateway gateway = gateway(replica.url());
        // A lone surrogate and NUL as escapes, a right-to-left mark, an emoji, a combining accent.
        String body = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":"
                + "\"\\ud800 \\u0000 \u200f \uD83D\uDE00 e\u0301\"}]}";

        HttpResponse<String> answer = post(gateway, "/v1/chat/completions", body);

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(replica.received().get(0).body()).isEqualTo(body);

        byte[] invalid = "{\"model\":\"m\",\"messages\":\"\u00ff\u00ff\"}".getBytes(StandardCharsets.ISO_8859_1);
        String raw = exchange(gateway.port(), ("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + invalid.length + "\r\nConnection: close\r\n\r\n"),
                invalid);
        assertThat(raw).startsWith("HTTP/1.1 400").contains("invalid_json");
        assertThat(replica.received()).hasSize(1);
    }

    @Test
    void neitherTheHostHeaderNorAnAbsoluteUriNorUrlsInTheBodyChooseTheReplica() throws Exception {
        StubReplica replica = stub().respondWith(StubReplica.echoHeaders());
        StubReplica elsewhere = stub();
        Gateway gateway = gateway(replica.url());
        String target = "127.0.0.1:" + elsewhere.port();
        byte[] body = ("{\"model\":\"m\",\"api_base\":\"http://" + target + "\",\"base_url\":\"http://" + target + "\"}")
                .getBytes(StandardCharsets.UTF_8);

        String viaHost = exchange(gateway.port(), "POST /v1/chat/completions HTTP/1.1\r\nHost: " + target
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                + "\r\nConnection: close\r\n\r\n", body);
        assertThat(viaHost).startsWith("HTTP/1.1 200")
                .contains("\"host\":\"127.0.0.1:" + replica.port() + "\"")
                .contains("\"x-forwarded-host\":\"" + target + "\"");

        String absolute = exchange(gateway.port(), "POST http://" + target + "/v1/chat/completions HTTP/1.1\r\nHost: "
                + target + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                + "\r\nConnection: close\r\n\r\n", body);
        assertThat(absolute).startsWith("HTTP/1.1 404").contains("\"code\":\"not_found\"");

        assertThat(elsewhere.received()).isEmpty();
        assertThat(replica.received()).hasSize(1);
    }

    /** Writes a raw request and reads until the gateway closes the connection. */
    private static String exchange(int port, String head, byte[] body) throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            in.transferTo(answer);
            return answer.toString(StandardCharsets.UTF_8);
        }
    }
}
