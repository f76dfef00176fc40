package io.qgate.routing.metrics;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Turns raw label values into strings, remembering the last few: a replica reports the same model
 * name in every scrape, so a scrape usually costs no string at all.
 *
 * <p>Safe to share between threads without locking: the table is replaced, never changed, and a
 * lost update between two racing scrapes only costs a later decode.
 */
final class LabelValueCache {

    /** Longer values are not decoded at all: no model has such a name, and it bounds the copy. */
    static final int MAX_LENGTH = 1024;

    private static final int CAPACITY = 32;

    private record Entry(byte[] raw, String value) {
    }

    private volatile Entry[] entries = new Entry[0];
    private int nextVictim;

    /**
     * The value whose raw (escaped) bytes are {@code b[start, end)}, or null when longer than
     * {@link #MAX_LENGTH}.
     */
    String get(ByteBuffer b, int start, int end, boolean escaped) {
        if (end - start > MAX_LENGTH) {
            return null;
        }
        Entry[] current = entries;
        for (Entry entry : current) {
            if (PromSyntax.equalBytes(b, start, end, entry.raw)) {
                return entry.value;
            }
        }
        byte[] raw = new byte[end - start];
        b.get(start, raw);
        String value = escaped ? unescape(raw) : new String(raw, StandardCharsets.UTF_8);
        Entry[] next;
        if (current.length < CAPACITY) {
            next = new Entry[current.length + 1];
            System.arraycopy(current, 0, next, 0, current.length);
            next[current.length] = new Entry(raw, value);
        } else {
            // Round robin rather than LRU: more than CAPACITY models in one fleet is rare, and this
            // needs no bookkeeping on a hit.
            next = current.clone();
            int victim = Math.floorMod(nextVictim++, CAPACITY);
            next[victim] = new Entry(raw, value);
        }
        entries = next;
        return value;
    }

    /** Undoes the escapes of the text format ({@code \\}, {@code \"}, {@code \n}); others stay. */
    static String unescape(byte[] raw) {
        byte[] out = new byte[raw.length];
        int n = 0;
        for (int i = 0; i < raw.length; i++) {
            byte c = raw[i];
            if (c == '\\' && i + 1 < raw.length) {
                byte next = raw[i + 1];
                if (next == '\\' || next == '"') {
                    c = next;
                    i++;
                } else if (next == 'n') {
                    c = '\n';
                    i++;
                }
            }
            out[n++] = c;
        }
        return new String(out, 0, n, StandardCharsets.UTF_8);
    }
}
