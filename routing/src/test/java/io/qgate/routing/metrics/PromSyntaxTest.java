package io.qgate.routing.metrics;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class PromSyntaxTest {

    @Test
    void newlineIsFoundAtEveryOffsetInBothByteOrdersAndBufferKinds() {
        Random random = new Random(3);
        for (int n = 0; n < 2000; n++) {
            byte[] bytes = new byte[random.nextInt(40)];
            random.nextBytes(bytes);
            for (int k = 0; k < bytes.length; k++) {
                // Bytes next to '\n' in value (0x0B, 0x09, 0x8A) catch a scan that borrows between bytes.
                if (bytes[k] == '\n' || random.nextInt(4) == 0) {
                    bytes[k] = (byte) new int[] {0x0B, 0x09, 0x8A, 0x00, 0x01}[random.nextInt(5)];
                }
            }
            int newline = bytes.length == 0 ? -1 : random.nextInt(bytes.length + 4) - 4;
            if (newline >= 0) {
                bytes[newline] = '\n';
                if (random.nextBoolean() && newline + 1 < bytes.length) {
                    bytes[random.nextInt(bytes.length - newline - 1) + newline + 1] = '\n';
                }
            }
            int from = bytes.length == 0 ? 0 : random.nextInt(bytes.length + 1);
            int expected = expected(bytes, from);
            ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
            for (ByteBuffer b : new ByteBuffer[] {ByteBuffer.wrap(bytes), direct}) {
                for (ByteOrder order : new ByteOrder[] {ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN}) {
                    b.order(order);
                    assertThat(PromSyntax.indexOfNewline(b, from, bytes.length)).isEqualTo(expected);
                }
            }
        }
    }

    private static int expected(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return bytes.length;
    }
}
