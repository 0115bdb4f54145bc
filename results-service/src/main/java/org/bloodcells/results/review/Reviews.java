package org.bloodcells.results.review;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

import org.bloodcells.results.audit.AuditAction;
import org.bloodcells.results.audit.AuditTrail;
import org.bloodcells.results.persistence.CountReview;
import org.bloodcells.results.persistence.Image;
import org.bloodcells.results.service.CellClass;
import org.bloodcells.results.service.ImageStatus;
import org.bloodcells.results.service.ReviewStatus;
import org.jboss.logging.Logger;

/**
 * Analysts' reviews of counts. A correction is stored beside the model's counts, never over them; every review is
 * kept as it was made (count_review), and the image reports the corrected counts from then on.
 */
@ApplicationScoped
public class Reviews {

    private static final Logger LOG = Logger.getLogger(Reviews.class);

    /** Longest reviewer name and comment kept. */
    static final int MOST_REVIEWER = 128;
    static final int MOST_COMMENT = 4000;

    private final Clock clock;
    private final AuditTrail audit;

    @jakarta.inject.Inject
    public Reviews(AuditTrail audit) {
        this(Clock.systemUTC(), audit);
    }

    Reviews(Clock clock, AuditTrail audit) {
        this.clock = clock;
        this.audit = audit;
    }

    /** Stores the review by the signed-in {@code reviewer}; empty when the image is unknown. */
    @Transactional
    public Optional<ReviewRecord> review(String imageId, ReviewRequest asked, String reviewer) {
        ReviewRequest request = asked == null ? null : asked.signedBy(reviewer);
        check(request);
        Image image = Image.<Image>findByIdOptional(imageId, LockModeType.PESSIMISTIC_WRITE).orElse(null);
        if (image == null) {
            return Optional.empty();
        }
        if (image.status != ImageStatus.DONE || image.currentRun == null) {
            throw new ReviewRefusedException(409, "image " + imageId + " is " + image.status
                    + ": only the counts of a DONE image can be reviewed");
        }
        Map<String, Integer> before = CellClass.reported(image);
        if (request.action() == ReviewStatus.CONFIRMED) {
            for (CellClass c : CellClass.values()) {
                c.setCorrectedCount(image, null);
            }
        } else {
            for (Map.Entry<String, Integer> count : request.counts().entrySet()) {
                CellClass.named(count.getKey()).orElseThrow().setCorrectedCount(image, count.getValue());
            }
        }
        image.reviewStatus = request.action();
        image.updatedAt = clock.instant();

        CountReview review = new CountReview();
        review.imageId = imageId;
        review.runId = image.currentRun.id;
        review.modelName = image.modelName;
        review.modelVersion = image.modelVersion;
        review.action = request.action();
        review.modelCounts = CellClass.model(image);
        review.beforeCounts = before;
        review.afterCounts = CellClass.reported(image);
        review.comment = request.comment() == null || request.comment().isBlank() ? null : request.comment().trim();
        review.reviewedBy = request.reviewer().trim();
        review.reviewedAt = clock.instant();
        review.persist();
        audit.record("review:" + review.id, review.reviewedAt, review.reviewedBy, AuditAction.REVIEW, imageId,
                review.action + (review.action == ReviewStatus.CORRECTED ? " " + review.beforeCounts + " -> "
                        + review.afterCounts : "") + " on " + review.modelName + " " + review.modelVersion);
        LOG.infof("Image %s %s by %s (review %d)", imageId, request.action(), review.reviewedBy, review.id);
        return Optional.of(ReviewRecord.of(review));
    }

    /** The image's reviews, oldest first; empty when the image is unknown. */
    @Transactional
    public Optional<List<ReviewRecord>> history(String imageId) {
        if (Image.findById(imageId) == null) {
            return Optional.empty();
        }
        return Optional.of(CountReview.ofImage(imageId).stream().map(ReviewRecord::of).toList());
    }

    static void check(ReviewRequest request) {
        if (request == null) {
            throw new ReviewRefusedException(400, "a review needs a JSON body: action, counts, comment");
        }
        if (request.reviewer() == null || request.reviewer().isBlank()) {
            throw new ReviewRefusedException(400, "reviewer names who reviewed the counts");
        }
        if (request.reviewer().length() > MOST_REVIEWER) {
            throw new ReviewRefusedException(400, "reviewer is longer than " + MOST_REVIEWER + " characters");
        }
        if (request.comment() != null && request.comment().length() > MOST_COMMENT) {
            throw new ReviewRefusedException(400, "comment is longer than " + MOST_COMMENT + " characters");
        }
        if (request.action() == null || request.action() == ReviewStatus.NONE) {
            throw new ReviewRefusedException(400, "action must be CONFIRMED or CORRECTED");
        }
        Map<String, Integer> counts = request.counts() == null ? Map.of() : request.counts();
        if (request.action() == ReviewStatus.CONFIRMED && !counts.isEmpty()) {
            throw new ReviewRefusedException(400, "a confirmation takes no counts; correct them with CORRECTED");
        }
        if (request.action() == ReviewStatus.CORRECTED && counts.isEmpty()) {
            throw new ReviewRefusedException(400, "a correction names the classes whose counts change, e.g."
                    + " {\"WBC\": 3}");
        }
        Map<String, Integer> seen = new LinkedHashMap<>();
        for (Map.Entry<String, Integer> count : counts.entrySet()) {
            CellClass cellClass = CellClass.named(count.getKey()).orElseThrow(() -> new ReviewRefusedException(400,
                    "no cell class " + count.getKey() + " (classes: RBC, WBC, Platelets)"));
            if (count.getValue() == null || count.getValue() < 0) {
                throw new ReviewRefusedException(400, cellClass.label() + " must be a count (0 or more)");
            }
            if (seen.put(cellClass.label(), count.getValue()) != null) {
                throw new ReviewRefusedException(400, cellClass.label() + " is named twice");
            }
        }
    }
}
