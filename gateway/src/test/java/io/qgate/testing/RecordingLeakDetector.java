package io.qgate.testing;

import io.netty.util.ResourceLeakDetector;

import java.util.ArrayList;
import java.util.List;

/**
 * Netty's leak detector, installed for every test JVM through
 * {@code -Dio.netty.customResourceLeakDetector}, that remembers each leak it reports so that
 * {@link LeakCheckExtension} can fail the test class instead of leaving a log line nobody reads.
 */
public final class RecordingLeakDetector<T> extends ResourceLeakDetector<T> {

    private static final List<String> LEAKS = new ArrayList<>();

    public RecordingLeakDetector(Class<?> resourceType, int samplingInterval) {
        super(resourceType, samplingInterval);
    }

    public RecordingLeakDetector(Class<?> resourceType, int samplingInterval, long maxActive) {
        super(resourceType, samplingInterval);
    }

    @Override
    protected void reportTracedLeak(String resourceType, String records) {
        super.reportTracedLeak(resourceType, records);
        record("LEAK " + resourceType + records);
    }

    @Override
    protected void reportUntracedLeak(String resourceType) {
        super.reportUntracedLeak(resourceType);
        record("LEAK " + resourceType + " (untraced)");
    }

    private static void record(String leak) {
        synchronized (LEAKS) {
            LEAKS.add(leak);
        }
    }

    /** Returns the leaks reported since the last call and forgets them. */
    static List<String> drain() {
        synchronized (LEAKS) {
            List<String> copy = List.copyOf(LEAKS);
            LEAKS.clear();
            return copy;
        }
    }
}
