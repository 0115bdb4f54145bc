package org.bloodcells.results.report;

import java.util.List;
import java.util.Map;

/**
 * What a slide's report says: everything a signature vouches for. Its hash is the report's version, so any change
 * here (a correction, a re-processing, an image arriving or failing) is a new version.
 *
 * @param scanners the scanners the slide's images came from
 * @param fields   the fields (images) counted and those left out, with why
 * @param results  per class: cells counted, mean per field with its 95 % interval, per µL where the scale is known
 * @param plateletsPer100Rbc platelets per 100 red cells over the counted fields, with its 95 % interval
 * @param interval how the intervals were computed
 * @param concentration how per-µL figures were estimated, or why they were not
 * @param models   the model runs behind the counted fields, with the post-processing each used
 * @param review   where the counted fields stand with the analysts
 */
public record ReportContent(String slideId, List<String> scanners, Fields fields,
        List<SlideStatistics.ClassResult> results, SlideStatistics.Ratio plateletsPer100Rbc, String interval,
        Concentration concentration, List<Model> models, Review review) {

    public record Fields(int counted, List<String> countedImages, List<LeftOut> leftOut) {
    }

    /** A field not counted: FAILED, PENDING (no result yet) or FLAGGED_UNREVIEWED, and the detail. */
    public record LeftOut(String imageId, String reason, String detail) {
    }

    /**
     * @param estimated false where some counted field's scale is unknown (then {@code why} says so)
     * @param countedAreaSquareMicrons the counted fields' area
     */
    public record Concentration(boolean estimated, String why, String formula, double effectiveDepthMicrons,
            Double countedAreaSquareMicrons, List<String> assumptions) {
    }

    public record Model(String name, String version, int fields, Double scoreThreshold,
            Map<String, Double> countThresholds, String postProcessing) {
    }

    /**
     * @param confirmed         counted fields an analyst confirmed
     * @param corrected         counted fields an analyst corrected (their corrected counts are used)
     * @param unreviewed        counted fields nobody reviewed (none of them flagged)
     * @param flaggedUnreviewed fields left out because they are flagged and nobody reviewed them yet
     */
    public record Review(int confirmed, int corrected, int unreviewed, int flaggedUnreviewed) {
    }
}
