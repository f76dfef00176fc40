package io.qgate.gateway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The framer on replica bytes cut at every possible place: it must find the same heads, bodies
 * and ends however the bytes arrive, and release everything it is given.
 */
class ResponseFramerTest {

    private static final String CHUNKED = "HTTP/1.1 200 OK\r\n"
            + "Content-Type: text/event-stream\r\n"
            + "Transfer-Encoding: chunked\r\n"
            + "\r\n"
            + "f\r\ndata: {\"n\":1}\n\n\r\n"
            + "F;ext=1\r\ndata: {\"n\":2}\n\n\r\n"
            + "0\r\n"
            + "x-trailer: yes\r\n"
            + "\r\n";
    private static final String CHUNKED_DATA = "data: {\"n\":1}\n\ndata: {\"n\":2}\n\n";
    private static final String CHUNKED_BODY = CHUNKED.substring(CHUNKED.indexOf("\r\n\r\n") + 4);

    /** What a sink saw: events in order, body bytes joined. */
    private static final class Recorder implements ResponseFramer.Sink {
        final List<String> events = new ArrayList<>();
        final ByteArrayOutputStream body = new ByteArrayOutputStream();

        @Override
        public void head(ResponseHead head) {
            events.add("head " + head.status());
        }

        @Override
        public void body(ByteBuf bytes) {
            try {
                byte[] copy = new byte[bytes.readableBytes()];
                bytes.readBytes(copy);
                body.writeBytes(copy);
                if (events.isEmpty() || !events.get(events.size() - 1).equals("body")) {
                    events.add("body");
                }
            } finally {
                bytes.release();
            }
        }

        @Override
        public void end() {
            events.add("end");
        }

        String body() {
            return body.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private static ByteBuf bytes(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
    }

    /** Feeds {@code wire} in two pieces cut at {@code cut}, checking that every buffer is released. */
    private static Recorder feedCut(ResponseFramer framer, String wire, int cut) throws ResponseHead.Malformed {
        Recorder recorder = new Recorder();
        ByteBuf first = bytes(wire.substring(0, cut));
        ByteBuf second = bytes(wire.substring(cut));
        framer.feed(first, recorder);
        framer.feed(second, recorder);
        assertThat(first.refCnt()).isZero();
        assertThat(second.refCnt()).isZero();
        return recorder;
    }

    @Test
    void aContentLengthBodyPassesAsItIsWhereverTheBytesAreCut() throws Exception {
        String wire = "HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhello world";
        for (int cut = 0; cut <= wire.length(); cut++) {
            Recorder recorder = feedCut(new ResponseFramer(), wire, cut);

            assertThat(recorder.events).as("cut at %d", cut).containsExactly("head 200", "body", "end");
            assertThat(recorder.body()).isEqualTo("hello world");
        }
    }

    @Test
    void aChunkedBodyKeepsItsFramingForAnHttp11ClientWhereverTheBytesAreCut() throws Exception {
        for (int cut = 0; cut <= CHUNKED.length(); cut++) {
            ResponseFramer framer = new ResponseFramer();
            framer.expect(false, true);
            Recorder recorder = feedCut(framer, CHUNKED, cut);

            assertThat(recorder.events).as("cut at %d", cut).containsExactly("head 200", "body", "end");
            assertThat(recorder.body()).as("cut at %d", cut).isEqualTo(CHUNKED_BODY);
        }
    }

    @Test
    void aChunkedBodyLosesItsFramingWhenAskedWhereverTheBytesAreCut() throws Exception {
        for (int cut = 0; cut <= CHUNKED.length(); cut++) {
            ResponseFramer framer = new ResponseFramer();
            framer.expect(false, false);
            Recorder recorder = feedCut(framer, CHUNKED, cut);

            assertThat(recorder.events).as("cut at %d", cut).containsExactly("head 200", "body", "end");
            assertThat(recorder.body()).as("cut at %d", cut).isEqualTo(CHUNKED_DATA);
        }
    }

    @Test
    void linesEndingInABareLineFeedAreUnderstood() throws Exception {
        String wire = "HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n3\nabc\n0\n\n";
        ResponseFramer framer = new ResponseFramer();
        framer.expect(false, false);
        Recorder recorder = new Recorder();

        framer.feed(bytes(wire), recorder);

        assertThat(recorder.events).containsExactly("head 200", "body", "end");
        assertThat(recorder.body()).isEqualTo("abc");
    }

    @Test
    void interimAnswersAreSkippedAndBackToBackResponsesAreTold() throws Exception {
        String wire = "HTTP/1.1 100 Continue\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
                + "HTTP/1.1 204 No Content\r\n\r\n"
                + "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n";
        Recorder recorder = new Recorder();

        new ResponseFramer().feed(bytes(wire), recorder);

        assertThat(recorder.events).containsExactly("head 200", "body", "end", "head 204", "end", "head 404", "end");
    }

    @Test
    void theAnswerToAHeadRequestHasNoBodyWhateverItsHeadersSay() throws Exception {
        ResponseFramer framer = new ResponseFramer();
        framer.expect(true, true);
        Recorder recorder = new Recorder();

        framer.feed(bytes("HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n"), recorder);

        assertThat(recorder.events).containsExactly("head 200", "end");
        assertThat(framer.inResponse()).isFalse();
    }

    @Test
    void aBodyWithoutLengthRunsUntilTheConnectionCloses() throws Exception {
        ResponseFramer framer = new ResponseFramer();
        Recorder recorder = new Recorder();

        framer.feed(bytes("HTTP/1.1 200 OK\r\n\r\npart one, "), recorder);
        framer.feed(bytes("part two"), recorder);
        assertThat(recorder.events).containsExactly("head 200", "body");
        boolean ended = framer.closed(recorder);

        assertThat(ended).isTrue();
        assertThat(recorder.events).containsExactly("head 200", "body", "end");
        assertThat(recorder.body()).isEqualTo("part one, part two");
    }

    @Test
    void aCloseInTheMiddleOfALengthBodyIsNotAnEnd() throws Exception {
        ResponseFramer framer = new ResponseFramer();
        Recorder recorder = new Recorder();

        framer.feed(bytes("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"), recorder);

        assertThat(framer.closed(recorder)).isFalse();
        assertThat(recorder.events).containsExactly("head 200", "body");
        assertThat(framer.inResponse()).isTrue();
    }

    @Test
    void aRelayedChunkedBodyKnowsWhenItStandsBetweenChunks() throws Exception {
        ResponseFramer framer = new ResponseFramer();
        framer.expect(false, true);
        Recorder recorder = new Recorder();

        framer.feed(bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n"), recorder);
        assertThat(framer.betweenChunks()).isTrue();
        framer.feed(bytes("3\r\nab"), recorder);
        assertThat(framer.betweenChunks()).isFalse();
        framer.feed(bytes("c\r\n"), recorder);
        assertThat(framer.betweenChunks()).isTrue();
    }

    @Test
    void malformedAnswersAreRefusedAndTheirBuffersReleased() {
        List<String> bad = List.of(
                "HTTP/2 200 OK\r\n\r\n",
                "HTTP/1.1 2000 OK\r\n\r\n",
                "garbage\r\n\r\n",
                "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
                "HTTP/1.1 200 OK\r\nbad : space\r\n\r\n",
                "HTTP/1.1 200 OK\r\n folded\r\n\r\n",
                "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
                "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
                "HTTP/1.1 101 Switching Protocols\r\n\r\n",
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n",
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\n");
        for (String wire : bad) {
            ByteBuf buffer = bytes(wire);
            Recorder recorder = new Recorder();

            assertThatThrownBy(() -> new ResponseFramer().feed(buffer, recorder)).as(wire)
                    .isInstanceOf(ResponseHead.Malformed.class);
            assertThat(buffer.refCnt()).isZero();
        }
    }

    @Test
    void aHeadLargerThanTheLimitIsRefused() {
        ResponseFramer framer = new ResponseFramer();
        Recorder recorder = new Recorder();
        String line = "x-filler: " + "a".repeat(1000) + "\r\n";

        assertThatThrownBy(() -> {
            framer.feed(bytes("HTTP/1.1 200 OK\r\n"), recorder);
            for (int i = 0; i < 70; i++) {
                framer.feed(bytes(line), recorder);
            }
        }).isInstanceOf(ResponseHead.Malformed.class).hasMessageContaining("larger than");
        assertThat(recorder.events).isEmpty();
    }
}
