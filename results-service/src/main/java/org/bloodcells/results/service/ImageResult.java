package org.bloodcells.results.service;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.bloodcells.events.DetectedCell;
import org.bloodcells.events.Scale;

/**
 * What an analyst sees for one image.
 *
 * @param failure   why a stage gave up on the image, when one did (kept even if a later run succeeded)
 * @param detection the latest model run, absent while the image is PENDING or FAILED
 */
public record ImageResult(String imageId, ImageStatus status, String scannerId, String slideId, String batchId,
        String objectKey, Instant uploadedAt, Failure failure, Detection detection) {

    public record Failure(String stage, String reason, Instant failedAt) {
    }

    /**
     * @param scale             the image's microns per pixel as the worker ran it, and where the figure came from
     *                          (DECLARED, SCANNER, FILE, ESTIMATED, UNKNOWN); null for runs before physical scale
     * @param tiles             tiles of the model's input the image was cut into
     * @param flagged           true when the image is unlike the model's training images: read its counts with care
     * @param outOfDistribution why it is flagged
     */
    public record Detection(String modelName, String modelVersion, int imageWidth, int imageHeight,
            Map<String, Integer> counts, List<DetectedCell> cells, long inferenceMillis, String workerId,
            Instant detectedAt, Scale scale, int tiles, boolean flagged, List<String> outOfDistribution) {
    }
}
