package io.qgate.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What the reader tells a lane about an answer cut short: by the server, or by the client's fault hook. */
class ResponseReaderCutTest {

    private final ResponseReader reader = new ResponseReader();

    @Test
    void countsDataEventsButNotDoneOrErrorEventsSoThatAClientCanLeaveAfterAFew() {
        reader.begin(true);
        reader.onHead(response(HttpResponseStatus.OK, "text/event-stream"));
        content("data: {\"choices\":[{\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n");
        content("data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\n");

        assertThat(reader.events()).isEqualTo(2);
        assertThat(reader.streamOpen()).isTrue();

        content("data: [DONE]\n\n");

        assertThat(reader.events()).isEqualTo(2);
        assertThat(reader.streamOpen()).isFalse();
    }

    @Test
    void aConnectionClosedAfterAnErrorEventIsTheServersStreamErrorNotAReset() {
        reader.begin(true);
        reader.onHead(response(HttpResponseStatus.OK, "text/event-stream"));
        content("data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\n");

        assertThat(reader.cutKind()).isEqualTo(ErrorKinds.RESET);

        content("data: {\"error\":{\"message\":\"upstream died\"}}\n\n");

        assertThat(reader.cutKind()).isEqualTo(ErrorKinds.STREAM_ERROR);
        assertThat(reader.streamOpen()).isFalse();
    }

    @Test
    void aFailedAnswerKeepsItsStatusAndTheStartOfItsBody() {
        reader.begin(false);
        reader.onHead(response(HttpResponseStatus.SERVICE_UNAVAILABLE, "application/json"));
        content("{\"error\":{\"message\":\"" + "x".repeat(400) + "\"}}");

        Outcome outcome = reader.finish(100, 150).withResponse(reader.status(), reader.errorBody());

        assertThat(outcome.error()).isEqualTo(ErrorKinds.http(503));
        assertThat(outcome.status()).isEqualTo(503);
        assertThat(outcome.errorBody()).startsWith("{\"error\"").hasSize(300);
    }

    private void content(String text) {
        reader.onContent(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8), 120);
    }

    private static HttpResponse response(HttpResponseStatus status, String type) {
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
        return response;
    }
}
