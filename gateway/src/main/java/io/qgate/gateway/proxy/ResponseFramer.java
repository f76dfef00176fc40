package io.qgate.gateway.proxy;

import io.netty.buffer.ByteBuf;

import java.util.Arrays;

/**
 * Finds where each response on a replica connection begins and ends, and hands its body on as
 * slices of the bytes read, without decoding it. Content-Length bodies and bodies that run until
 * the connection closes pass through untouched; chunked bodies are followed chunk by chunk to
 * find their end and passed on either with their chunk framing (for an HTTP/1.1 client, which
 * gets the same framing) or without it ({@link #expect}).
 *
 * <p>Why not Netty's HTTP decoder: it turns every response into header objects and every chunk
 * into a content object, and the client side then encodes all of it again. Relaying the bytes
 * costs a fraction of that, per response and per streamed event.
 */
final class ResponseFramer {

    /** Receives what the framer finds, in order: a head, body slices, the end. */
    interface Sink {
        /** A final (not 1xx) response head; the head is valid during this call only. */
        void head(ResponseHead head);

        /** Body bytes, with or without chunk framing as asked; the sink owns the slice. */
        void body(ByteBuf bytes);

        /** The response is complete: the connection is ready for the next request. */
        void end();
    }

    static final int MAX_HEAD_SIZE = 64 * 1024;
    private static final int MAX_CHUNK_LINE = 4096;
    private static final int HEAD_PIECE = 1024;

    private enum State {
        HEAD, LENGTH, UNTIL_CLOSE,
        CHUNK_SIZE, CHUNK_LINE_REST, CHUNK_DATA, CHUNK_DATA_CR, CHUNK_DATA_LF,
        TRAILER_LINE_START, TRAILER_LINE, TRAILER_END_LF
    }

    private State state = State.HEAD;
    private boolean headRequest;
    private boolean relayChunkFraming;

    private byte[] headBytes = new byte[HEAD_PIECE];
    private int headLength;
    private int scanFrom;

    private long remaining;
    private long chunkSize;
    private int lineLength;
    private boolean sawDigit;
    private int trailerLength;

    /**
     * What the next response answers: a HEAD request's response has no body whatever its headers
     * say; {@code relayChunkFraming} keeps a chunked body's framing in the slices.
     */
    void expect(boolean headRequest, boolean relayChunkFraming) {
        this.headRequest = headRequest;
        this.relayChunkFraming = relayChunkFraming;
    }

    /** Consumes {@code in} (and releases it), reporting to {@code sink}. */
    void feed(ByteBuf in, Sink sink) throws ResponseHead.Malformed {
        try {
            while (in.isReadable()) {
                switch (state) {
                    case HEAD -> readHead(in, sink);
                    case LENGTH -> {
                        int n = (int) Math.min(remaining, in.readableBytes());
                        remaining -= n;
                        sink.body(in.readRetainedSlice(n));
                        if (remaining == 0) {
                            finish(sink);
                        }
                    }
                    case UNTIL_CLOSE -> sink.body(in.readRetainedSlice(in.readableBytes()));
                    default -> readChunked(in, sink);
                }
            }
        } finally {
            in.release();
        }
    }

    /**
     * The connection closed. A body that runs until the close ends here (returns true); anything
     * else in progress is cut short and the caller reports that.
     */
    boolean closed(Sink sink) {
        if (state == State.UNTIL_CLOSE) {
            finish(sink);
            return true;
        }
        return false;
    }

    /** Whether a relayed chunked body stands between two chunks, where a chunk of the gateway's own may go. */
    boolean betweenChunks() {
        return state == State.CHUNK_SIZE && lineLength == 0;
    }

    /** Whether part of a response has been read and its end not yet. */
    boolean inResponse() {
        return state != State.HEAD || headLength > 0;
    }

    private void readHead(ByteBuf in, Sink sink) throws ResponseHead.Malformed {
        while (in.isReadable()) {
            int n = Math.min(in.readableBytes(), HEAD_PIECE);
            if (headLength + n > MAX_HEAD_SIZE) {
                n = MAX_HEAD_SIZE - headLength;
                if (n == 0) {
                    throw new ResponseHead.Malformed("response head larger than " + MAX_HEAD_SIZE + " bytes");
                }
            }
            if (headLength + n > headBytes.length) {
                headBytes = Arrays.copyOf(headBytes, Math.min(MAX_HEAD_SIZE, Math.max(headBytes.length * 2,
                        headLength + n)));
            }
            in.getBytes(in.readerIndex(), headBytes, headLength, n);
            int end = headEnd(headBytes, scanFrom, headLength + n);
            if (end < 0) {
                in.skipBytes(n);
                headLength += n;
                scanFrom = Math.max(0, headLength - 2);
                continue;
            }
            in.skipBytes(end - headLength);
            headLength = 0;
            scanFrom = 0;
            ResponseHead head = ResponseHead.parse(headBytes, end);
            if (head.informational()) {
                if (head.status() == 101) {
                    throw new ResponseHead.Malformed("unexpected 101 Switching Protocols");
                }
                continue; // an interim answer (100 Continue, 103 Early Hints): the real one follows
            }
            sink.head(head);
            startBody(head, sink);
            return;
        }
    }

    private void startBody(ResponseHead head, Sink sink) {
        int status = head.status();
        if (headRequest || status == 204 || status == 304) {
            finish(sink);
        } else if (head.contentLength() >= 0) {
            remaining = head.contentLength();
            state = State.LENGTH;
            if (remaining == 0) {
                finish(sink);
            }
        } else if (head.chunked()) {
            state = State.CHUNK_SIZE;
            chunkSize = 0;
            lineLength = 0;
            sawDigit = false;
            trailerLength = 0;
        } else {
            state = State.UNTIL_CLOSE;
        }
    }

    private void finish(Sink sink) {
        state = State.HEAD;
        sink.end();
    }

    /** The index just past the empty line that ends a head in {@code b[from, to)}, or -1. */
    private static int headEnd(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == '\n') {
                if (i + 1 < to && b[i + 1] == '\n') {
                    return i + 2;
                }
                if (i + 2 < to && b[i + 1] == '\r' && b[i + 2] == '\n') {
                    return i + 3;
                }
            }
        }
        return -1;
    }

    private void readChunked(ByteBuf in, Sink sink) throws ResponseHead.Malformed {
        int rawStart = in.readerIndex();
        int i = rawStart;
        int end = in.writerIndex();
        boolean complete = false;
        while (i < end && !complete) {
            switch (state) {
                case CHUNK_SIZE -> {
                    byte c = in.getByte(i++);
                    int digit = Character.digit(c, 16);
                    if (digit >= 0) {
                        if (++lineLength > 15) {
                            throw new ResponseHead.Malformed("chunk size too large");
                        }
                        chunkSize = chunkSize * 16 + digit;
                        sawDigit = true;
                    } else if (!sawDigit) {
                        throw new ResponseHead.Malformed("bad chunk size line");
                    } else if (c == '\n') {
                        sizeLineDone();
                    } else if (c == '\r' || c == ';' || c == ' ' || c == '\t') {
                        state = State.CHUNK_LINE_REST;
                    } else {
                        throw new ResponseHead.Malformed("bad chunk size line");
                    }
                }
                case CHUNK_LINE_REST -> {
                    byte c = in.getByte(i++);
                    if (c == '\n') {
                        sizeLineDone();
                    } else if (++lineLength > MAX_CHUNK_LINE) {
                        throw new ResponseHead.Malformed("chunk size line too long");
                    }
                }
                case CHUNK_DATA -> {
                    int n = (int) Math.min(remaining, end - i);
                    if (!relayChunkFraming) {
                        sink.body(in.retainedSlice(i, n));
                    }
                    i += n;
                    remaining -= n;
                    if (remaining == 0) {
                        state = State.CHUNK_DATA_CR;
                    }
                }
                case CHUNK_DATA_CR -> {
                    byte c = in.getByte(i++);
                    if (c == '\r') {
                        state = State.CHUNK_DATA_LF;
                    } else if (c == '\n') {
                        nextChunk();
                    } else {
                        throw new ResponseHead.Malformed("chunk data longer than its size");
                    }
                }
                case CHUNK_DATA_LF -> {
                    if (in.getByte(i++) != '\n') {
                        throw new ResponseHead.Malformed("chunk data longer than its size");
                    }
                    nextChunk();
                }
                case TRAILER_LINE_START -> {
                    byte c = in.getByte(i++);
                    if (c == '\n') {
                        complete = true;
                    } else if (c == '\r') {
                        state = State.TRAILER_END_LF;
                    } else {
                        state = State.TRAILER_LINE;
                        countTrailer();
                    }
                }
                case TRAILER_END_LF -> {
                    if (in.getByte(i++) != '\n') {
                        throw new ResponseHead.Malformed("bad trailer");
                    }
                    complete = true;
                }
                case TRAILER_LINE -> {
                    byte c = in.getByte(i++);
                    countTrailer();
                    if (c == '\n') {
                        state = State.TRAILER_LINE_START;
                    }
                }
                default -> throw new IllegalStateException(state.name());
            }
        }
        if (relayChunkFraming && i > rawStart) {
            sink.body(in.retainedSlice(rawStart, i - rawStart));
        }
        in.readerIndex(i);
        if (complete) {
            finish(sink);
        }
    }

    /** A chunk's size line ended: its data follows, or the trailer after the last chunk. */
    private void sizeLineDone() {
        sawDigit = false;
        lineLength = 0;
        if (chunkSize == 0) {
            state = State.TRAILER_LINE_START;
            return;
        }
        remaining = chunkSize;
        chunkSize = 0;
        state = State.CHUNK_DATA;
    }

    private void nextChunk() {
        state = State.CHUNK_SIZE;
        chunkSize = 0;
        lineLength = 0;
        sawDigit = false;
    }

    private void countTrailer() throws ResponseHead.Malformed {
        if (++trailerLength > MAX_HEAD_SIZE) {
            throw new ResponseHead.Malformed("trailer larger than " + MAX_HEAD_SIZE + " bytes");
        }
    }
}
