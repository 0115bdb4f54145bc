package org.bloodcells.events;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The outcome of one model run over one image.
 *
 * @param imageId         SHA-256 of the image bytes
 * @param modelName       name of the model that searched the image
 * @param modelVersion    version of that model; every stored count names it
 * @param imageWidth      original width in pixels
 * @param imageHeight     original height in pixels
 * @param cells           every detected cell, boxes in original pixels
 * @param counts          number of cells per class name; every class of the model is present, zero included
 * @param inferenceMillis time the worker spent in pre-processing, the model and post-processing
 * @param workerId        the worker instance that ran the model
 * @param detectedAt      when the worker finished
 * @param scale           the image's scale as the worker used it (declared, from the scanner or file, estimated, or
 *                        unknown); null from workers before physical scale
 * @param tiles           how many tiles of the model's input the image was cut into (1: whole)
 * @param outOfDistribution why the image is unlike the model's training images (scale, colour, confidence); empty
 *                        when it is not, and its counts are as trustworthy as the model's card says
 * @param thresholds      the post-processing that kept and counted these cells; null from workers before it was sent
 * @param doubt           0..1, how likely the counts are wrong (the model's unsureness of the cells it found,
 *                        {@code models/CONTRACT.md}); review queues put the most doubtful first. Optional: null from
 *                        workers before it was sent
 */
public record CellDetections(
        String imageId,
        String modelName,
        String modelVersion,
        int imageWidth,
        int imageHeight,
        List<DetectedCell> cells,
        Map<String, Integer> counts,
        long inferenceMillis,
        String workerId,
        Instant detectedAt,
        Scale scale,
        int tiles,
        List<String> outOfDistribution,
        Thresholds thresholds,
        Double doubt) {

    public CellDetections {
        outOfDistribution = outOfDistribution == null ? List.of() : List.copyOf(outOfDistribution);
        tiles = Math.max(1, tiles);
    }

    /** A run whose doubt is not said (workers before it was sent). */
    public CellDetections(String imageId, String modelName, String modelVersion, int imageWidth, int imageHeight,
            List<DetectedCell> cells, Map<String, Integer> counts, long inferenceMillis, String workerId,
            Instant detectedAt, Scale scale, int tiles, List<String> outOfDistribution, Thresholds thresholds) {
        this(imageId, modelName, modelVersion, imageWidth, imageHeight, cells, counts, inferenceMillis, workerId,
                detectedAt, scale, tiles, outOfDistribution, thresholds, null);
    }

    /** A run without a scale or out-of-distribution check: one whole image, nothing flagged. */
    public CellDetections(String imageId, String modelName, String modelVersion, int imageWidth, int imageHeight,
            List<DetectedCell> cells, Map<String, Integer> counts, long inferenceMillis, String workerId,
            Instant detectedAt) {
        this(imageId, modelName, modelVersion, imageWidth, imageHeight, cells, counts, inferenceMillis, workerId,
                detectedAt, null, 1, List.of(), null, null);
    }

    /** A run whose post-processing is not said (workers before {@link Thresholds}). */
    public CellDetections(String imageId, String modelName, String modelVersion, int imageWidth, int imageHeight,
            List<DetectedCell> cells, Map<String, Integer> counts, long inferenceMillis, String workerId,
            Instant detectedAt, Scale scale, int tiles, List<String> outOfDistribution) {
        this(imageId, modelName, modelVersion, imageWidth, imageHeight, cells, counts, inferenceMillis, workerId,
                detectedAt, scale, tiles, outOfDistribution, null, null);
    }

    /**
     * @return why no reader may act on this run; empty when it names its image, a valid model name and version, its
     *         cells, counts of zero or more, and when it finished
     */
    public Optional<String> problem() {
        return Rules.firstOf(
                () -> ImageId.problem("imageId", imageId),
                () -> ModelRef.nameOrVersionProblem("modelName", modelName),
                () -> ModelRef.nameOrVersionProblem("modelVersion", modelVersion),
                () -> Rules.required("cells", cells),
                () -> Rules.required("counts", counts),
                () -> counts.values().stream().anyMatch(count -> count == null || count < 0)
                        ? Optional.of("counts must be zero or more, were " + counts) : Optional.empty(),
                () -> Rules.required("detectedAt", detectedAt),
                () -> doubt != null && !(doubt >= 0 && doubt <= 1)
                        ? Optional.of("doubt must be within 0..1 when given, was " + doubt) : Optional.empty());
    }
}
