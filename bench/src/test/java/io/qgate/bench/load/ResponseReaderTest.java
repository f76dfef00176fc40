package io.qgate.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ResponseReaderTest {

    private final ResponseReader reader = new ResponseReader();

    @Test
    void aNonStreamedAnswerIsTimedAtItsFirstByteAndCountsUsageTokens() {
        reader.begin(false);
        reader.onHead(response(HttpResponseStatus.OK, "application/json"));
        content("{\"choices\":[],\"usage\":{\"prompt_tokens\":3,", 150);
        content("\"completion_tokens\" : 42}}", 170);

        Outcome outcome = reader.finish(100, 200);

        assertThat(outcome).isEqualTo(Outcome.ok(50, 100, 42));
    }

    @Test
    void timeToFirstTokenSkipsTheEmptyRoleChunk() {
        reader.begin(true);
        reader.onHead(response(HttpResponseStatus.OK, "text/event-stream"));
        content("data: {\"choices\":[{\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n", 110);
        content("data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\ndata: {\"choices\":[{\"text\":\"!\"}]}\n\n", 130);
        content("data: [DONE]\n\n", 140);

        Outcome outcome = reader.finish(100, 150);

        assertThat(outcome).isEqualTo(Outcome.ok(30, 50, 2));
    }

    @Test
    void aStreamWithoutDoneIsIncomplete() {
        reader.begin(true);
        reader.onHead(response(HttpResponseStatus.OK, "text/event-stream"));
        content("data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\n", 110);

        assertThat(reader.finish(100, 150).error()).isEqualTo(ErrorKinds.INCOMPLETE_STREAM);
    }

    @Test
    void anErrorEventFailsTheStream() {
        reader.begin(true);
        reader.onHead(response(HttpResponseStatus.OK, "text/event-stream"));
        content("data: {\"error\":{\"message\":\"upstream died\"}}\n\ndata: [DONE]\n\n", 110);

        assertThat(reader.finish(100, 150).error()).isEqualTo(ErrorKinds.STREAM_ERROR);
    }

    @Test
    void anErrorStatusIsCountedByItsCode() {
        reader.begin(true);
        reader.onHead(response(HttpResponseStatus.BAD_GATEWAY, "application/json"));
        content("{\"error\":{\"message\":\"no\"}}", 110);

        assertThat(reader.finish(100, 150).error()).isEqualTo("http_502");
        assertThat(reader.keepAlive()).isTrue();
    }

    private static HttpResponse response(HttpResponseStatus status, String type) {
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
        return response;
    }

    private void content(String text, long nanos) {
        ByteBuf buf = Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
        try {
            reader.onContent(buf, nanos);
        } finally {
            buf.release();
        }
    }
}
