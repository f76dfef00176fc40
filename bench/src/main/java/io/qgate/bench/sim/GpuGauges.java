package io.qgate.bench.sim;

/**
 * The GPU series NVIDIA's DCGM exporter writes for the one GPU under a replica's engine, named
 * and labelled as the GPU Operator ships them, modelled from the engine's state so that a
 * dashboard and the tests have GPU data without a GPU.
 *
 * <ul>
 *   <li>{@code DCGM_FI_DEV_GPU_UTIL}: the percentage of the last sample period during which a
 *       kernel ran. vLLM runs a forward pass whenever any sequence is running, however few, so
 *       the GPU is busy whenever the engine runs one sequence: it reads 100 long before the
 *       replica is full.
 *   <li>{@code DCGM_FI_DEV_FB_USED} and {@code _FREE} (MiB): vLLM reserves
 *       {@code --gpu-memory-utilization} of the memory at start, for the weights and the whole KV
 *       cache, so the framebuffer in use is flat whatever the load.
 * </ul>
 *
 * <p>The utilization is sampled at most once a second, as DCGM samples on its own clock whatever
 * the rate at which it is scraped (the gateway reads this replica's {@code /metrics} ten times a
 * second).
 */
final class GpuGauges {

    /** What an 80 GB H100 reports as its framebuffer. */
    static final long FRAMEBUFFER_MIB = 81_559;
    /** vLLM's default {@code --gpu-memory-utilization}. */
    static final double RESERVED_FRACTION = 0.9;
    private static final long SAMPLE_NANOS = 1_000_000_000L;

    private final String labels;
    private long sampledAt;
    private long busyAtSample;
    private double utilization;

    /**
     * @param seed       the replica's seed, which names its GPU so replicas tell theirs apart
     * @param startNanos when the engine started, idle ({@link System#nanoTime} scale)
     */
    GpuGauges(long seed, long startNanos) {
        this.sampledAt = startNanos;
        this.labels = "{gpu=\"0\",UUID=\"GPU-sim-" + seed + "\",device=\"nvidia0\",modelName=\"NVIDIA H100 80GB HBM3\"}";
    }

    /** The busy percentage of the last full sample period; {@code busyNanos}: the engine's busy time so far. */
    synchronized double utilizationPercent(long busyNanos, long now) {
        if (now - sampledAt >= SAMPLE_NANOS) {
            utilization = Math.min(100.0, 100.0 * (busyNanos - busyAtSample) / (now - sampledAt));
            sampledAt = now;
            busyAtSample = busyNanos;
        }
        return utilization;
    }

    void render(StringBuilder out, long busyNanos) {
        long used = Math.round(FRAMEBUFFER_MIB * RESERVED_FRACTION);
        gauge(out, "DCGM_FI_DEV_GPU_UTIL", "GPU utilization (in %).",
                Math.rint(utilizationPercent(busyNanos, System.nanoTime())));
        gauge(out, "DCGM_FI_DEV_FB_USED", "Framebuffer memory used (in MiB).", used);
        gauge(out, "DCGM_FI_DEV_FB_FREE", "Framebuffer memory free (in MiB).", FRAMEBUFFER_MIB - used);
    }

    private void gauge(StringBuilder out, String name, String help, double value) {
        PromText.help(out, name, "gauge", help);
        out.append(name).append(labels).append(' ').append(PromText.number(value)).append('\n');
    }
}
