package io.qgate.bench.sim;

/**
 * Deterministic embedding vectors: seeded by the text alone, so the same text gets the same
 * unit vector on every replica whatever its seed, as a real embedding model would give.
 */
final class Embeddings {

    private Embeddings() {}

    static float[] vector(String text, int dim) {
        if (dim <= 0) {
            throw new IllegalArgumentException("dim: " + dim + " (expected: > 0)");
        }
        Hashing.Rng rng = new Hashing.Rng(Hashing.hash(0x5eed, text));
        double[] v = new double[dim];
        double norm = 0;
        for (int i = 0; i < dim; i++) {
            v[i] = rng.nextGaussian();
            norm += v[i] * v[i];
        }
        norm = Math.sqrt(norm);
        float[] out = new float[dim];
        for (int i = 0; i < dim; i++) {
            out[i] = (float) (v[i] / norm);
        }
        return out;
    }
}
