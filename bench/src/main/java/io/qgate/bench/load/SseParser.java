package io.qgate.bench.load;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/**
 * An incremental parser of server-sent events that hands over the {@code data} of each event.
 *
 * <p>Bytes arrive in whatever pieces TCP and the HTTP decoder make: an event may span several
 * buffers and one buffer may hold several events, so the parser keeps the unfinished line and the
 * unfinished event between calls. Lines end in LF, CRLF or CR; an event ends at an empty line; the
 * data lines of one event are joined with LF, as the SSE specification says. Comments and fields
 * other than {@code data} are skipped.
 */
public final class SseParser {

    /** Receives the data of one event; the array is reused after the call returns. */
    @FunctionalInterface
    public interface Listener {
        void onData(byte[] data, int length);
    }

    private static final byte[] DATA = {'d', 'a', 't', 'a'};

    private final Listener listener;
    private byte[] line = new byte[256];
    private int lineLength;
    private byte[] data = new byte[256];
    private int dataLength;
    private boolean hasData;
    private boolean afterCr;

    public SseParser(Listener listener) {
        this.listener = listener;
    }

    /** Consumes the readable bytes of {@code buf} without moving its reader index. */
    public void feed(ByteBuf buf) {
        int end = buf.writerIndex();
        for (int i = buf.readerIndex(); i < end; i++) {
            byte b = buf.getByte(i);
            if (b == '\n') {
                if (afterCr) {
                    afterCr = false; // the LF of a CRLF: that line has already ended
                } else {
                    endLine();
                }
            } else if (b == '\r') {
                afterCr = true;
                endLine();
            } else {
                afterCr = false;
                if (lineLength == line.length) {
                    line = Arrays.copyOf(line, line.length * 2);
                }
                line[lineLength++] = b;
            }
        }
    }

    /** Forgets any partial line or event, for the next response on the same connection. */
    public void reset() {
        lineLength = 0;
        dataLength = 0;
        hasData = false;
        afterCr = false;
    }

    private void endLine() {
        if (lineLength == 0) {
            if (hasData) {
                listener.onData(data, dataLength);
            }
            dataLength = 0;
            hasData = false;
            return;
        }
        if (isDataField()) {
            int start = DATA.length;
            if (start < lineLength && line[start] == ':') {
                start++;
                if (start < lineLength && line[start] == ' ') {
                    start++;
                }
            }
            if (hasData) {
                append((byte) '\n');
            }
            for (int i = start; i < lineLength; i++) {
                append(line[i]);
            }
            hasData = true;
        }
        lineLength = 0;
    }

    /** {@code data:value}, {@code data: value} or a bare {@code data} line (an empty value). */
    private boolean isDataField() {
        if (lineLength < DATA.length) {
            return false;
        }
        for (int i = 0; i < DATA.length; i++) {
            if (line[i] != DATA[i]) {
                return false;
            }
        }
        return lineLength == DATA.length || line[DATA.length] == ':';
    }

    private void append(byte b) {
        if (dataLength == data.length) {
            data = Arrays.copyOf(data, data.length * 2);
        }
        data[dataLength++] = b;
    }
}
