package io.qgate.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.List;

/**
 * Fails a test class when Netty reported a buffer leak while it ran.
 *
 * <p>Registered for every test class by JUnit's extension auto-detection (see
 * {@code junit-platform.properties}). Netty only notices a leak when a leaked buffer has been
 * garbage-collected and another buffer is then allocated, so after the class it collects garbage
 * and allocates a few buffers before looking at what {@link RecordingLeakDetector} has recorded.
 */
public final class LeakCheckExtension implements AfterAllCallback {

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        for (int round = 0; round < 3; round++) {
            System.gc();
            Thread.sleep(20);
            allocateAndRelease();
        }
        List<String> leaks = RecordingLeakDetector.drain();
        if (!leaks.isEmpty()) {
            throw new AssertionError("Netty reported " + leaks.size() + " buffer leak(s) in "
                    + context.getDisplayName() + ":\n" + String.join("\n", leaks));
        }
    }

    private static void allocateAndRelease() {
        ByteBuf pooled = PooledByteBufAllocator.DEFAULT.buffer(8);
        ByteBuf unpooled = UnpooledByteBufAllocator.DEFAULT.buffer(8);
        pooled.release();
        unpooled.release();
        ByteBuf direct = PooledByteBufAllocator.DEFAULT.directBuffer(8);
        direct.release();
    }
}
