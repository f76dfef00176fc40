package io.qgate.fleet;

/**
 * The memory a LiteLLM + vLLM pod uses, modelled, for the memory signals of the autoscaling study.
 *
 * <ul>
 *   <li>LiteLLM's container (what metrics-server and the kubelet report): the Python process's
 *       baseline, plus a little per request it holds open; it barely moves until requests pile up.
 *   <li>The GPU's framebuffer (what DCGM reports): vLLM reserves {@code --gpu-memory-utilization}
 *       of it at start, for the weights and the whole KV cache, so it is flat whatever the load.
 * </ul>
 *
 * @param litellmBaselineMiB       LiteLLM's working set with nothing open
 * @param litellmPerOpenRequestMiB what each request in the pod adds (its body, its answer so far)
 * @param gpuFramebufferMiB        the GPU's memory
 * @param gpuReservedShare         the share vLLM reserves at start
 */
public record MemoryModel(double litellmBaselineMiB, double litellmPerOpenRequestMiB, double gpuFramebufferMiB,
                          double gpuReservedShare) {

    public MemoryModel {
        if (litellmBaselineMiB < 0 || litellmPerOpenRequestMiB < 0 || !(gpuFramebufferMiB > 0)) {
            throw new IllegalArgumentException("memory: " + litellmBaselineMiB + ", " + litellmPerOpenRequestMiB
                    + ", " + gpuFramebufferMiB + " (expected: >= 0, >= 0, > 0)");
        }
        if (!(gpuReservedShare > 0 && gpuReservedShare <= 1)) {
            throw new IllegalArgumentException("gpuReservedShare: " + gpuReservedShare + " (expected: 0-1)");
        }
    }

    /**
     * 700 MiB of LiteLLM plus 0.2 MiB per open request; an 80 GB H100 (81,559 MiB) of which vLLM
     * reserves its default 90%.
     */
    static MemoryModel defaults() {
        return new MemoryModel(700, 0.2, 81_559, 0.9);
    }

    /** LiteLLM's working set with {@code openRequests} in the pod, MiB. */
    double litellmMiB(int openRequests) {
        return litellmBaselineMiB + litellmPerOpenRequestMiB * openRequests;
    }

    /** The framebuffer in use once vLLM has started, MiB: the same at any load. */
    double gpuUsedMiB() {
        return gpuFramebufferMiB * gpuReservedShare;
    }
}
