package org.bloodcells.detection;

import java.util.List;

/**
 * One image's model outputs from {@link CellDetector#infer}, every view's of every tile, for
 * {@link CellDetector#finish}: what post-processing uses of them (the candidates above the score threshold), read from
 * the run's outputs as soon as it returned.
 */
public final class ModelOutputs {

    final CellDetector owner;
    /** One per output block: tile by tile, view by view. */
    final List<Candidates> blocks;
    final long inferenceNanos;
    final long readNanos;
    final int batchSize;

    ModelOutputs(CellDetector owner, List<Candidates> blocks, long inferenceNanos, long readNanos, int batchSize) {
        this.owner = owner;
        this.blocks = List.copyOf(blocks);
        this.inferenceNanos = inferenceNanos;
        this.readNanos = readNanos;
        this.batchSize = batchSize;
    }

    /** This image's share of the model run: the run's time divided by the images in it. */
    public long inferenceNanos() {
        return inferenceNanos;
    }

    /**
     * This image's share of the time spent reading the run's outputs (picking the candidates above the threshold):
     * post-processing done on the thread that ran the model.
     */
    public long readNanos() {
        return readNanos;
    }

    /** How many images the model run that produced these outputs took. */
    public int batchSize() {
        return batchSize;
    }
}
