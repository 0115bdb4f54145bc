package org.bloodcells.results.query;

import java.time.Instant;
import java.util.List;

import org.bloodcells.results.service.CellClass;
import org.bloodcells.results.service.ImageStatus;
import org.bloodcells.results.service.ReviewStatus;

/**
 * Which images a list or an aggregate covers. Every field is optional; counts are the ones the image reports
 * (an analyst's correction where there is one).
 *
 * @param uploadedFrom inclusive; {@code uploadedTo} exclusive (the same for detection times)
 */
public record ImageFilter(String scanner, String slide, String batch, ImageStatus status, String model,
        String version, Instant uploadedFrom, Instant uploadedTo, Instant detectedFrom, Instant detectedTo,
        List<CountRange> counts, ReviewStatus review, Boolean flagged) {

    public ImageFilter {
        counts = counts == null ? List.of() : List.copyOf(counts);
    }

    public static ImageFilter none() {
        return new ImageFilter(null, null, null, null, null, null, null, null, null, null, List.of(), null, null);
    }

    /** The review queue: DONE images with a reason to look at them that nobody has reviewed yet. */
    public ImageFilter queue() {
        return new ImageFilter(scanner, slide, batch, ImageStatus.DONE, model, version, uploadedFrom, uploadedTo,
                detectedFrom, detectedTo, counts, ReviewStatus.NONE, true);
    }

    public ImageFilter uploadedBetween(Instant from, Instant to) {
        return new ImageFilter(scanner, slide, batch, status, model, version, from, to, detectedFrom, detectedTo,
                counts, review, flagged);
    }

    /** A count of one class within {@code min..max}, both inclusive, either open (null). */
    public record CountRange(CellClass cellClass, Integer min, Integer max) {
    }

    /** Adds this filter's conditions. */
    void where(SqlBuilder sql) {
        sql.and("scanner_id = ?", scanner);
        // A slide or batch holds every image uploaded into it, also those first uploaded elsewhere (memberships, V5);
        // with both, one membership must have both (an image in slide X of batch A and slide Y of batch B is in
        // neither slide X of batch B nor slide Y of batch A).
        if (slide != null && batch != null) {
            sql.and("image_id in (select image_id from image_membership where slide_id = ? and batch_id = ?)", slide,
                    batch);
        } else {
            sql.and("image_id in (select image_id from image_membership where slide_id = ?)", slide);
            sql.and("image_id in (select image_id from image_membership where batch_id = ?)", batch);
        }
        sql.and("status = ?", status == null ? null : status.name());
        sql.and("model_name = ?", model);
        sql.and("model_version = ?", version);
        sql.and("uploaded_at >= ?", SqlBuilder.timestamp(uploadedFrom));
        sql.and("uploaded_at < ?", SqlBuilder.timestamp(uploadedTo));
        sql.and("detected_at >= ?", SqlBuilder.timestamp(detectedFrom));
        sql.and("detected_at < ?", SqlBuilder.timestamp(detectedTo));
        for (CountRange range : counts) {
            sql.and(range.cellClass().column() + "_reported >= ?", range.min());
            sql.and(range.cellClass().column() + "_reported <= ?", range.max());
        }
        sql.and("review_status = ?", review == null ? null : review.name());
        if (flagged != null) {
            sql.and(flagged ? "flagged" : "not flagged");
        }
    }
}
