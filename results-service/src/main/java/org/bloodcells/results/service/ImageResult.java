package org.bloodcells.results.service;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.bloodcells.events.DetectedCell;

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

    public record Detection(String modelName, String modelVersion, int imageWidth, int imageHeight,
            Map<String, Integer> counts, List<DetectedCell> cells, long inferenceMillis, String workerId,
            Instant detectedAt) {
    }
}
