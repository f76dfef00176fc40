package io.qgate.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseParserTest {

    private final List<String> events = new ArrayList<>();
    private final SseParser parser = new SseParser(
            (data, length) -> events.add(new String(data, 0, length, StandardCharsets.UTF_8)));

    @Test
    void findsEveryEventWhereverTheInputIsCut() {
        String stream = "data: {\"a\":1}\n\n: keep-alive comment\n\nevent: x\ndata: {\"b\":2}\n\ndata: [DONE]\n\n";
        for (int cut = 0; cut <= stream.length(); cut++) {
            events.clear();
            parser.reset();
            feed(stream.substring(0, cut));
            feed(stream.substring(cut));
            assertThat(events).as("cut at %d", cut).containsExactly("{\"a\":1}", "{\"b\":2}", "[DONE]");
        }
    }

    @Test
    void readsOneByteAtATime() {
        for (char c : "data: one\n\ndata: two\n\n".toCharArray()) {
            feed(String.valueOf(c));
        }
        assertThat(events).containsExactly("one", "two");
    }

    @Test
    void acceptsCrLfAndCrLineEndings() {
        feed("data: one\r\n\r\ndata: two\r\rdata:three\n\n");
        assertThat(events).containsExactly("one", "two", "three");
    }

    @Test
    void joinsTheDataLinesOfOneEvent() {
        feed("data: first\ndata: second\n\n");
        assertThat(events).containsExactly("first\nsecond");
    }

    @Test
    void keepsAnUnfinishedEventUntilItsBlankLine() {
        feed("data: partial");
        assertThat(events).isEmpty();
        feed("\n");
        assertThat(events).isEmpty();
        feed("\n");
        assertThat(events).containsExactly("partial");
    }

    @Test
    void ignoresFieldsThatOnlyStartLikeData() {
        feed("database: no\ndata: yes\n\n");
        assertThat(events).containsExactly("yes");
    }

    @Test
    void leavesTheBufferUntouched() {
        ByteBuf buf = Unpooled.copiedBuffer("data: x\n\n", StandardCharsets.UTF_8);
        try {
            parser.feed(buf);
            assertThat(buf.readerIndex()).isZero();
        } finally {
            buf.release();
        }
    }

    private void feed(String text) {
        ByteBuf buf = Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
        try {
            parser.feed(buf);
        } finally {
            buf.release();
        }
    }
}
