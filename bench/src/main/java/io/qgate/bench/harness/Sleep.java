package io.qgate.bench.harness;

/** Sleeping without a checked exception; an interrupt is kept and ends the wait. */
public final class Sleep {

    private Sleep() {}

    public static void millis(long millis) {
        try {
            Thread.sleep(Math.max(0, millis));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
