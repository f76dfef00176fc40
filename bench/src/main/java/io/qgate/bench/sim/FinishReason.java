package io.qgate.bench.sim;

/** Why a sequence ended, with the label vLLM and OpenAI use for it. */
enum FinishReason {
    STOP("stop"),
    LENGTH("length"),
    ABORT("abort");

    private final String label;

    FinishReason(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }
}
