package org.bloodcells.detection;

import java.util.List;
import java.util.Map;

/**
 * What the model found in one image.
 *
 * @param imageWidth      original width in pixels
 * @param imageHeight     original height in pixels
 * @param detections      detections in descending score order, boxes in original pixels
 * @param counts          detections per class, in the model's class order; every class present, zeros included
 * @param inferenceMillis time spent in pre-processing, the model and post-processing; for an image of a batch,
 *                        the batch's time divided by its size
 */
public record DetectionResult(int imageWidth, int imageHeight, List<Detection> detections,
        Map<String, Integer> counts, long inferenceMillis) {
}
