package org.bloodcells.events;

import java.time.Instant;
import java.util.List;
import java.util.Map;

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
        Instant detectedAt) {
}
