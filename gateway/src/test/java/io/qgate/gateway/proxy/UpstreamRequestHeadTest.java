package io.qgate.gateway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The request head a replica gets, byte for byte. */
class UpstreamRequestHeadTest {

    private static HttpRequest clientRequest() {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_0, HttpMethod.POST, "/v1/embeddings?x=1");
        request.headers()
                .add("Host", "gateway.example")
                .add("Authorization", "Bearer sk-1")
                .add("Connection", "keep-alive, X-Private")
                .add("X-Private", "drop me")
                .add("Keep-Alive", "timeout=5")
                .add("Transfer-Encoding", "chunked")
                .add("Expect", "100-continue")
                .add("Content-Length", "999")
                .add("X-Forwarded-For", "10.0.0.1")
                .add("X-Forwarded-For", "10.0.0.2")
                .add("X-Forwarded-Proto", "https")
                .add("x-qgate-batch-size", "5")
                .add("Content-Type", "application/json; charset=utf-8")
                .add("Accept-Encoding", "gzip");
        return request;
    }

    private static String write(HttpRequest request, boolean asJson) {
        ByteBuf head = UpstreamRequestHead.write(UnpooledByteBufAllocator.DEFAULT, request, "10.1.2.3:4000",
                "127.0.0.9", "http", 42, asJson);
        try {
            return head.toString(StandardCharsets.ISO_8859_1);
        } finally {
            head.release();
        }
    }

    @Test
    void theClientsHeadersPassExceptTheConnectionsAndTheGatewaySaysWhereItCameFrom() {
        assertThat(write(clientRequest(), false)).isEqualTo("POST /v1/embeddings?x=1 HTTP/1.1\r\n"
                + "Authorization: Bearer sk-1\r\n"
                + "Content-Type: application/json; charset=utf-8\r\n"
                + "Accept-Encoding: gzip\r\n"
                + "host: 10.1.2.3:4000\r\n"
                + "x-forwarded-for: 10.0.0.1, 10.0.0.2, 127.0.0.9\r\n"
                + "x-forwarded-proto: http\r\n"
                + "x-forwarded-host: gateway.example\r\n"
                + "content-length: 42\r\n"
                + "\r\n");
    }

    @Test
    void aMergedBatchAsksForPlainJson() {
        assertThat(write(clientRequest(), true)).doesNotContain("Accept-Encoding")
                .doesNotContain("charset=utf-8").contains("content-type: application/json\r\n");
    }

    @Test
    void aForwardedHostFromTheClientIsKeptAndWithoutHostNoneIsAdded() {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/v1/models");
        request.headers().add("X-Forwarded-Host", "original.example").add("Host", "proxy.example");
        HttpRequest hostless = new DefaultHttpRequest(HttpVersion.HTTP_1_0, HttpMethod.GET, "/v1/models");

        assertThat(write(request, false)).contains("X-Forwarded-Host: original.example\r\n")
                .doesNotContain("x-forwarded-host");
        assertThat(write(hostless, false)).doesNotContainIgnoringCase("x-forwarded-host")
                .contains("x-forwarded-for: 127.0.0.9\r\n");
    }
}
