package io.qgate.gateway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** What of a replica's head reaches the client, and what the gateway learns from it. */
class ResponseHeadTest {

    private static ResponseHead parse(String head) throws ResponseHead.Malformed {
        byte[] bytes = head.getBytes(StandardCharsets.ISO_8859_1);
        return ResponseHead.parse(bytes, bytes.length);
    }

    private static String clientHead(ResponseHead head, boolean http11, boolean keepAlive, boolean chunked) {
        ByteBuf out = Unpooled.buffer();
        try {
            head.writeClientHead(out, http11, keepAlive, chunked);
            return out.toString(StandardCharsets.ISO_8859_1);
        } finally {
            out.release();
        }
    }

    @Test
    void hopByHopAndInternalHeadersStayBehindAndTheRestPassesByteForByte() throws Exception {
        ResponseHead head = parse("HTTP/1.1 200 OK\r\n"
                + "Content-Type: application/json\r\n"
                + "Connection: keep-alive, X-Secret\r\n"
                + "Keep-Alive: timeout=5\r\n"
                + "X-Secret: 1\r\n"
                + "x-qgate-batch-size: 9\r\n"
                + "Upgrade: h2c\r\n"
                + "Trailer: x-t\r\n"
                + "TE: trailers\r\n"
                + "Proxy-Connection: close\r\n"
                + "x-LiteLLM-Model:  llama  \r\n"
                + "Content-Length: 2\r\n"
                + "\r\n");

        assertThat(clientHead(head, true, true, false)).isEqualTo("HTTP/1.1 200 OK\r\n"
                + "Content-Type: application/json\r\n"
                + "x-LiteLLM-Model:  llama  \r\n"
                + "Content-Length: 2\r\n"
                + "\r\n");
        assertThat(head.contentLength()).isEqualTo(2);
        assertThat(head.keepAlive()).isTrue();
        assertThat(head.eventStream()).isFalse();
    }

    @Test
    void theClientsConnectionAndFramingAreTheGatewaysToSay() throws Exception {
        ResponseHead head = parse("HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/event-stream\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n");

        assertThat(clientHead(head, true, false, true)).isEqualTo("HTTP/1.1 503 Service Unavailable\r\n"
                + "Content-Type: text/event-stream\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n");
        assertThat(clientHead(head, false, true, false)).isEqualTo("HTTP/1.0 503 Service Unavailable\r\n"
                + "Content-Type: text/event-stream\r\nconnection: keep-alive\r\n\r\n");
        assertThat(head.chunked()).isTrue();
        assertThat(head.contentLength()).isEqualTo(-1);
        assertThat(head.eventStream()).isTrue();
        assertThat(head.status()).isEqualTo(503);
    }

    @Test
    void aStatusLineWithoutReasonIsKeptAsItIs() throws Exception {
        assertThat(clientHead(parse("HTTP/1.1 200\r\n\r\n"), true, true, false)).isEqualTo("HTTP/1.1 200\r\n\r\n");
    }

    @Test
    void whetherTheReplicaKeepsItsConnectionFollowsItsVersionAndConnectionHeader() throws Exception {
        assertThat(parse("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n").keepAlive()).isTrue();
        assertThat(parse("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n").keepAlive()).isFalse();
        assertThat(parse("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n").keepAlive()).isFalse();
        assertThat(parse("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n").keepAlive())
                .isTrue();
    }

    @Test
    void aLengthBesideTransferEncodingIsDroppedAndTheConnectionNotReused() throws Exception {
        ResponseHead head = parse("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: gzip, chunked\r\n\r\n");

        assertThat(head.chunked()).isTrue();
        assertThat(head.contentLength()).isEqualTo(-1);
        assertThat(head.keepAlive()).isFalse();
        assertThat(clientHead(head, true, true, true)).isEqualTo("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n");
    }

    @Test
    void aTransferCodingOtherThanChunkedLastMeansTheBodyRunsUntilClose() throws Exception {
        ResponseHead head = parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n");

        assertThat(head.chunked()).isFalse();
        assertThat(head.contentLength()).isEqualTo(-1);
        assertThat(head.keepAlive()).isFalse();
    }

    @Test
    void theKeptHeadersAreAvailableAsHeaderObjects() throws Exception {
        HttpHeaders headers = parse("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
                + "X-Request-Id:abc \r\n\r\n").headers();

        assertThat(headers.get("content-type")).isEqualTo("application/json");
        assertThat(headers.get("x-request-id")).isEqualTo("abc");
        assertThat(headers.contains("connection")).isFalse();
    }
}
