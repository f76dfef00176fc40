package io.qgate.deploy;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/** Each overlay rendered once per test run and shared by the test classes. */
final class Overlays {

    private static final Map<String, Rendered> RENDERED = new ConcurrentHashMap<>();

    private Overlays() {}

    static Rendered rendered(String overlay) {
        return RENDERED.computeIfAbsent(overlay, Rendered::overlay);
    }

    /** For {@code @MethodSource}. */
    static Stream<String> names() {
        return DeployFiles.OVERLAYS.stream();
    }
}
