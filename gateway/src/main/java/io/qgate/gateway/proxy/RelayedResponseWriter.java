package io.qgate.gateway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;

import java.nio.charset.StandardCharsets;

/**
 * Writes one relayed response to the client as bytes, in front of the HTTP encoder
 * ({@link RawResponseOut}): the head the exchange built, then the body as the replica framed it,
 * or put into chunks when the replica's body runs until it closes and the client speaks HTTP/1.1.
 *
 * <p>The head is held back until the read that brought it ends or the response does, and body
 * bytes that fit are copied behind it, so that a small answer leaves in one write (each write is
 * a trip through the pipeline and an entry in the outbound buffer).
 */
final class RelayedResponseWriter {

    private static final int HEAD_BUFFER_SIZE = 512;
    /** Body bytes up to this many are copied behind a held-back head. */
    private static final int MERGE_LIMIT = 2048;
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LAST_CHUNK = {'0', '\r', '\n', '\r', '\n'};

    private final ChannelHandlerContext out;
    private final boolean chunked;
    private final boolean wrapInChunks;
    private ByteBuf pendingHead;

    /**
     * @param chunked      the client's body is chunked
     * @param wrapInChunks the gateway makes the chunks (the replica's body has no framing of its own)
     */
    private RelayedResponseWriter(ChannelHandlerContext out, ByteBuf head, boolean chunked, boolean wrapInChunks) {
        this.out = out;
        this.pendingHead = head;
        this.chunked = chunked;
        this.wrapInChunks = wrapInChunks;
    }

    /** Starts a response with the client's head for the replica's {@code head} (see {@link ResponseHead#writeClientHead}). */
    static RelayedResponseWriter start(ChannelHandlerContext out, ResponseHead head, boolean http11,
                                       boolean keepAlive, boolean chunked, boolean wrapInChunks) {
        ByteBuf buffer = out.alloc().buffer(HEAD_BUFFER_SIZE);
        head.writeClientHead(buffer, http11, keepAlive, chunked);
        return new RelayedResponseWriter(out, buffer, chunked, wrapInChunks);
    }

    /** Whether the client's body is chunked. */
    boolean chunked() {
        return chunked;
    }

    /** Whether the gateway makes the chunks, so a chunk of its own can always go in between. */
    boolean wrapsInChunks() {
        return wrapInChunks;
    }

    /** Body bytes from the replica (this writer owns them). */
    void body(ByteBuf bytes) {
        if (pendingHead != null) {
            if (!wrapInChunks && pendingHead.readableBytes() + bytes.readableBytes() <= HEAD_BUFFER_SIZE + MERGE_LIMIT) {
                pendingHead.writeBytes(bytes);
                bytes.release();
                return;
            }
            writePendingHead();
        }
        if (wrapInChunks) {
            writeChunk(bytes);
        } else {
            out.write(bytes, out.voidPromise());
        }
    }

    /** The read from the replica ended: what is held back goes out (the caller flushes). */
    void endOfRead() {
        writePendingHead();
    }

    /** The response is complete: writes what is left and flushes; the future tells whether it went out. */
    ChannelFuture finish() {
        ByteBuf last;
        if (wrapInChunks) {
            writePendingHead();
            last = Unpooled.wrappedBuffer(LAST_CHUNK);
        } else if (pendingHead != null) {
            last = pendingHead;
            pendingHead = null;
        } else {
            last = Unpooled.EMPTY_BUFFER;
        }
        return out.writeAndFlush(last);
    }

    /**
     * The response is cut off: writes what is held back, then {@code event} (an SSE event, or null
     * for none) framed as the body is, and flushes. The caller closes the connection.
     */
    ChannelFuture abort(String event) {
        writePendingHead();
        if (event != null) {
            ByteBuf bytes = Unpooled.copiedBuffer(event, StandardCharsets.UTF_8);
            if (chunked) {
                writeChunk(bytes);
            } else {
                out.write(bytes, out.voidPromise());
            }
        }
        return out.writeAndFlush(Unpooled.EMPTY_BUFFER);
    }

    /** The client left: nothing more is written. */
    void discard() {
        if (pendingHead != null) {
            pendingHead.release();
            pendingHead = null;
        }
    }

    private void writePendingHead() {
        if (pendingHead != null) {
            ByteBuf head = pendingHead;
            pendingHead = null;
            out.write(head, out.voidPromise());
        }
    }

    private void writeChunk(ByteBuf data) {
        ByteBuf size = out.alloc().buffer(10);
        size.writeCharSequence(Integer.toHexString(data.readableBytes()), StandardCharsets.US_ASCII);
        size.writeBytes(CRLF);
        out.write(size, out.voidPromise());
        out.write(data, out.voidPromise());
        out.write(Unpooled.wrappedBuffer(CRLF), out.voidPromise());
    }
}
