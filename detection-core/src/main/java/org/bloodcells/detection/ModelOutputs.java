package org.bloodcells.detection;

/** One image's raw model outputs from {@link CellDetector#infer}, every view's, for {@link CellDetector#finish}. */
public final class ModelOutputs {

    final CellDetector owner;
    final float[] scores;
    final float[] boxes;
    final long inferenceNanos;
    final int batchSize;

    ModelOutputs(CellDetector owner, float[] scores, float[] boxes, long inferenceNanos, int batchSize) {
        this.owner = owner;
        this.scores = scores;
        this.boxes = boxes;
        this.inferenceNanos = inferenceNanos;
        this.batchSize = batchSize;
    }

    /** This image's share of the model run: the run's time divided by the images in it. */
    public long inferenceNanos() {
        return inferenceNanos;
    }

    /** How many images the model run that produced these outputs took. */
    public int batchSize() {
        return batchSize;
    }
}
