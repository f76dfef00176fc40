package io.qgate.bench.scenario;

/** Sleeping that turns an interrupt into an exception, so that a cancelled run stops at once. */
final class Pause {

    private Pause() {}

    static void millis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
