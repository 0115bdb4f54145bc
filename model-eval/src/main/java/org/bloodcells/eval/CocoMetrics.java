package org.bloodcells.eval;

import java.util.Map;

/**
 * COCO box metrics over a set of images, as pycocotools' {@code COCOeval.summarize()} reports them (all with at
 * most 100 detections per image and class). A value is −1 where no class has ground truth in that area range.
 *
 * @param ap       AP@[.50:.05:.95], mean over classes with ground truth
 * @param ap50     AP at IoU 0.50
 * @param ap75     AP at IoU 0.75
 * @param apSmall  AP@[.5:.95] for ground truth with area &lt; 32²
 * @param apMedium AP@[.5:.95] for 32² ≤ area ≤ 96²
 * @param apLarge  AP@[.5:.95] for area &gt; 96²
 * @param ar100    AR@[.5:.95] with 100 detections per image
 * @param perClass per class, in the model's class order
 * @param images   how many images were evaluated
 */
public record CocoMetrics(double ap, double ap50, double ap75, double apSmall, double apMedium, double apLarge,
        double ar100, Map<String, ClassMetrics> perClass, int images) {

    /**
     * @param groundTruth boxes of this class over all images
     * @param ap          AP@[.5:.95], −1 without ground truth
     * @param ap50        AP at IoU 0.50
     * @param ap75        AP at IoU 0.75
     * @param ar100       AR@[.5:.95] with 100 detections per image
     */
    public record ClassMetrics(int groundTruth, double ap, double ap50, double ap75, double ar100) {
    }
}
