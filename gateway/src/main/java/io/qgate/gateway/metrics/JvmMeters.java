package io.qgate.gateway.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;

/**
 * The JVM under the gateway as Micrometer's own binders report it: heap and other memory pools
 * ({@code jvm_memory_*}), garbage collection ({@code jvm_gc_*}), threads ({@code jvm_threads_*})
 * and CPU ({@code process_cpu_usage}, {@code system_cpu_usage}, as shares of the CPUs the JVM sees), for the dashboard's gateway
 * panels. The pod's own CPU and memory come from the kubelet; these say what inside the JVM uses them.
 *
 * <p>Closing matters: the GC binder listens to the JVM's collectors until it is closed, and a
 * test starts many gateways in one JVM.
 */
public final class JvmMeters implements AutoCloseable {

    private final JvmGcMetrics gc;

    private JvmMeters(JvmGcMetrics gc) {
        this.gc = gc;
    }

    /** Binds the JVM's meters; call it before anything else is registered, as the filter it adds applies from then on. */
    public static JvmMeters bindTo(MeterRegistry registry) {
        // Two of ProcessorMetrics' names fail promtool's lint (an abbreviated unit, a gauge named
        // _count), and the gateway's /metrics stays lint-free; process_cpu_usage says what they would.
        registry.config().meterFilter(MeterFilter.deny(id ->
                id.getName().equals("system.cpu.count") || id.getName().equals("process.cpu.time")));
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        return new JvmMeters(gc);
    }

    @Override
    public void close() {
        gc.close();
    }
}
