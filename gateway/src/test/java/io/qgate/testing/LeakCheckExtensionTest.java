package io.qgate.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.lang.reflect.Proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Proves that the suite's leak check really sees a leak (otherwise a green suite proves nothing). */
class LeakCheckExtensionTest {

    @Test
    void aLeakedBufferFailsTheCheck() throws Exception {
        leakOneBuffer();
        ExtensionContext context = (ExtensionContext) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {ExtensionContext.class},
                (proxy, method, args) -> method.getName().equals("getDisplayName") ? "probe" : null);
        assertThatThrownBy(() -> new LeakCheckExtension().afterAll(context))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("leak");
        assertThat(RecordingLeakDetector.drain()).isEmpty();
    }

    private static void leakOneBuffer() {
        ByteBuf leaked = UnpooledByteBufAllocator.DEFAULT.buffer(16);
        leaked.writeLong(42);
        // Dropped without release() on purpose.
    }
}
