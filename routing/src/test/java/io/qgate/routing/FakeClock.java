package io.qgate.routing;

import java.time.Duration;
import java.util.function.LongSupplier;

/** A clock that only moves when a test says so. */
final class FakeClock implements LongSupplier {

    private long nanos = 1_000_000_000L;

    @Override
    public long getAsLong() {
        return nanos;
    }

    void advance(Duration by) {
        nanos += by.toNanos();
    }
}
