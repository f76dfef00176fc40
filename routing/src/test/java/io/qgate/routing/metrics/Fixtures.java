package io.qgate.routing.metrics;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The engine metrics fixtures of {@code src/test/resources/fixtures} (its README says what each
 * holds and what it should read as), from the classpath so that a lone clone runs the tests.
 */
final class Fixtures {

    /** Current vLLM, two data-parallel engines, one LoRA adapter. */
    static final String VLLM_V1 = "vllm-v1-two-engines.txt";
    /** vLLM before the V1 engine. */
    static final String VLLM_V0 = "vllm-v0.txt";
    static final String SGLANG = "sglang.txt";

    private Fixtures() {
    }

    static byte[] bytes(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("fixture: " + name + " (expected: a file in src/test/resources/fixtures)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
