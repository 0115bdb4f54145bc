package org.bloodcells.results.review;

import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

import org.bloodcells.results.audit.AuditAction;
import org.bloodcells.results.audit.AuditTrail;
import org.bloodcells.results.persistence.CellConfirmation;
import org.bloodcells.results.persistence.CellEdit;
import org.bloodcells.results.persistence.DetectionRun;
import org.bloodcells.results.persistence.Image;
import org.bloodcells.results.persistence.ImageMembership;
import org.bloodcells.results.service.CellClass;
import org.bloodcells.results.service.ImageStatus;
import org.bloodcells.results.service.ReviewStatus;
import org.jboss.logging.Logger;

import io.quarkus.panache.common.Parameters;

/**
 * Analysts' review of single boxes: reclassified, deleted or drawn, each edit stored beside the model's boxes
 * (cell_edit) and audited; an image with edits reports its reviewed cells' counts. Confirming an image's boxes as
 * right is one call (cell_confirmation).
 */
@ApplicationScoped
public class CellReview {

    private static final Logger LOG = Logger.getLogger(CellReview.class);

    /** Most images one slide's gallery returns (the first by upload time). */
    public static final int MOST_GALLERY_IMAGES = 100;

    private final Clock clock;
    private final AuditTrail audit;

    @Inject
    public CellReview(AuditTrail audit) {
        this(Clock.systemUTC(), audit);
    }

    CellReview(Clock clock, AuditTrail audit) {
        this.clock = clock;
        this.audit = audit;
    }

    /** The image's current run, reviewed; empty when the image is unknown or has no run yet. */
    @Transactional
    public Optional<ReviewedImage> cells(String imageId) {
        Image image = Image.findById(imageId);
        return image == null || image.currentRun == null ? Optional.empty() : Optional.of(reviewed(image));
    }

    /** The slide's DONE images (the first {@link #MOST_GALLERY_IMAGES} by upload), their cells of the given classes. */
    @Transactional
    public List<ReviewedImage> slide(String slideId, Set<CellClass> classes) {
        List<Image> images = Image.<Image>find("status = :done and currentRun is not null and imageId in ("
                + ImageMembership.IMAGES_OF_SLIDE + ") order by uploadedAt, imageId",
                Parameters.with("done", ImageStatus.DONE).and("slideId", slideId))
                .page(0, MOST_GALLERY_IMAGES).list();
        return images.stream().map(image -> only(reviewed(image), classes)).toList();
    }

    /** Every edit of the image's boxes, on any run, oldest first; empty when the image is unknown. */
    @Transactional
    public Optional<List<CellEditRecord>> edits(String imageId) {
        if (Image.findById(imageId) == null) {
            return Optional.empty();
        }
        return Optional.of(CellEdit.ofImage(imageId).stream().map(CellEditRecord::of).toList());
    }

    /** Stores the edit by the signed-in {@code editor}; empty when the image is unknown. */
    @Transactional
    public Optional<Edited> edit(String imageId, CellEditRequest request, String editor) {
        if (request == null || request.action() == null) {
            throw new ReviewRefusedException(400, "an edit needs a JSON body with action RECLASSIFY, DELETE or ADD");
        }
        checkComment(request.comment());
        Image image = Image.<Image>findByIdOptional(imageId, LockModeType.PESSIMISTIC_WRITE).orElse(null);
        if (image == null) {
            return Optional.empty();
        }
        DetectionRun run = editable(image, request.runId());
        List<ReviewedCells.Cell> before = cellsOf(run);
        CellEdit edit = new CellEdit();
        edit.imageId = imageId;
        edit.runId = run.id;
        edit.action = request.action();
        switch (request.action()) {
            case ADD -> {
                if (request.cell() != null) {
                    throw new ReviewRefusedException(400, "ADD draws a new cell: leave cell out");
                }
                edit.classAfter = cellClass(request.cellClass()).label();
                double[] box = box(request.box(), run);
                edit.x1 = box[0];
                edit.y1 = box[1];
                edit.x2 = box[2];
                edit.y2 = box[3];
            }
            case RECLASSIFY -> {
                ReviewedCells.Cell cell = existing(before, request.cell(), run);
                CellClass to = cellClass(request.cellClass());
                if (cell.counted() && to.label().equals(cell.cellClass())) {
                    throw new ReviewRefusedException(400, "cell " + cell.key() + " is already counted as "
                            + cell.cellClass());
                }
                edit.cellKey = cell.key();
                edit.classBefore = cell.cellClass();
                edit.classAfter = to.label();
            }
            case DELETE -> {
                ReviewedCells.Cell cell = existing(before, request.cell(), run);
                edit.cellKey = cell.key();
                edit.classBefore = cell.cellClass();
            }
        }
        edit.editedBy = AuditTrail.actor(editor);
        edit.editedAt = clock.instant();
        edit.comment = request.comment() == null || request.comment().isBlank() ? null : request.comment().trim();
        edit.persist();
        CellEdit.getEntityManager().flush();

        Map<String, Integer> countsBefore = CellClass.reported(image);
        List<ReviewedCells.Cell> after = cellsOf(run);
        Map<String, Integer> countsAfter = ReviewedCells.counts(after);
        for (CellClass c : CellClass.values()) {
            c.setCorrectedCount(image, countsAfter.get(c.label()));
        }
        image.reviewStatus = ReviewStatus.CORRECTED;
        image.updatedAt = edit.editedAt;
        audit.record("cell-edit:" + edit.id, edit.editedAt, edit.editedBy, AuditAction.REVIEW, imageId,
                describe(edit) + "; counts " + countsBefore + " -> " + countsAfter + " on " + run.modelName + " "
                        + run.modelVersion);
        LOG.infof("Image %s: %s by %s (edit %d)", imageId, describe(edit), edit.editedBy, edit.id);
        return Optional.of(new Edited(CellEditRecord.of(edit), reviewed(image)));
    }

    /** An edit as stored and the image as it now stands. */
    public record Edited(CellEditRecord edit, ReviewedImage image) {
    }

    /**
     * Marks the image's current reviewed cells as right, by the signed-in {@code confirmer}; empty when the image is
     * unknown. Without edits the model's counts stand (CONFIRMED, an earlier count correction is withdrawn); with
     * edits the reviewed counts do (CORRECTED).
     */
    @Transactional
    public Optional<ReviewedImage> confirm(String imageId, CellConfirmRequest request, String confirmer) {
        String comment = request == null ? null : request.comment();
        checkComment(comment);
        Image image = Image.<Image>findByIdOptional(imageId, LockModeType.PESSIMISTIC_WRITE).orElse(null);
        if (image == null) {
            return Optional.empty();
        }
        DetectionRun run = editable(image, request == null ? null : request.runId());
        List<CellEdit> edits = CellEdit.ofRun(run.id);
        Map<String, Integer> countsBefore = CellClass.reported(image);
        Map<String, Integer> counts = ReviewedCells.counts(cellsOf(run, edits));
        CellConfirmation confirmation = new CellConfirmation();
        confirmation.imageId = imageId;
        confirmation.runId = run.id;
        confirmation.lastEditId = edits.isEmpty() ? null : edits.get(edits.size() - 1).id;
        confirmation.counts = counts;
        confirmation.confirmedBy = AuditTrail.actor(confirmer);
        confirmation.confirmedAt = clock.instant();
        confirmation.comment = comment == null || comment.isBlank() ? null : comment.trim();
        confirmation.persist();
        for (CellClass c : CellClass.values()) {
            c.setCorrectedCount(image, edits.isEmpty() ? null : counts.get(c.label()));
        }
        image.reviewStatus = edits.isEmpty() ? ReviewStatus.CONFIRMED : ReviewStatus.CORRECTED;
        image.updatedAt = confirmation.confirmedAt;
        audit.record("cell-confirmation:" + confirmation.id, confirmation.confirmedAt, confirmation.confirmedBy,
                AuditAction.REVIEW, imageId, "boxes confirmed after " + edits.size() + " edits; counts "
                        + countsBefore + " -> " + CellClass.reported(image) + " on " + run.modelName + " "
                        + run.modelVersion);
        LOG.infof("Image %s: boxes confirmed by %s", imageId, confirmation.confirmedBy);
        return Optional.of(reviewed(image));
    }

    /** The image's current run as reviewed; the caller's transaction. */
    public static ReviewedImage reviewed(Image image) {
        DetectionRun run = image.currentRun;
        List<CellEdit> edits = CellEdit.ofRun(run.id);
        List<ReviewedCells.Cell> cells = cellsOf(run, edits);
        Long lastEdit = edits.isEmpty() ? null : edits.get(edits.size() - 1).id;
        ReviewedImage.Confirmation confirmation = CellConfirmation.latestOfRun(run.id)
                .map(c -> new ReviewedImage.Confirmation(c.confirmedBy, c.confirmedAt, c.counts,
                        java.util.Objects.equals(c.lastEditId, lastEdit), c.comment))
                .orElse(null);
        return new ReviewedImage(image.imageId, run.id, run.modelName, run.modelVersion, run.imageWidth,
                run.imageHeight, image.reviewStatus, ReviewedCells.counts(cells), new java.util.TreeMap<>(run.counts),
                edits.size(), confirmation, cells);
    }

    private static ReviewedImage only(ReviewedImage image, Set<CellClass> classes) {
        List<ReviewedCells.Cell> cells = image.cells().stream()
                .filter(c -> CellClass.named(c.cellClass()).map(classes::contains).orElse(false)).toList();
        return new ReviewedImage(image.imageId(), image.runId(), image.modelName(), image.modelVersion(),
                image.imageWidth(), image.imageHeight(), image.reviewStatus(), image.counts(), image.modelCounts(),
                image.edits(), image.confirmation(), cells);
    }

    private static List<ReviewedCells.Cell> cellsOf(DetectionRun run) {
        return cellsOf(run, CellEdit.ofRun(run.id));
    }

    private static List<ReviewedCells.Cell> cellsOf(DetectionRun run, List<CellEdit> edits) {
        return ReviewedCells.of(run.cells, run::counted, edits.stream().map(CellEdit::asEdit).toList());
    }

    private static DetectionRun editable(Image image, Long runId) {
        if (image.status != ImageStatus.DONE || image.currentRun == null) {
            throw new ReviewRefusedException(409, "image " + image.imageId + " is " + image.status
                    + ": only the boxes of a DONE image can be reviewed");
        }
        if (runId != null && !runId.equals(image.currentRun.id)) {
            throw new ReviewRefusedException(409, "image " + image.imageId + " now reports run " + image.currentRun.id
                    + ", not run " + runId + ": reload its cells");
        }
        return image.currentRun;
    }

    private static ReviewedCells.Cell existing(List<ReviewedCells.Cell> cells, String key, DetectionRun run) {
        if (key == null || key.isBlank()) {
            throw new ReviewRefusedException(400, "cell names the box to edit, e.g. \"m0\" (a model cell) or \"d12\""
                    + " (a drawn one)");
        }
        ReviewedCells.Cell cell = ReviewedCells.find(cells, key.trim()).orElseThrow(() -> new ReviewRefusedException(
                400, "no cell " + key + " on run " + run.id + " (its model cells are m0.." + "m"
                        + (run.cells.size() - 1) + ", drawn cells d<id>)"));
        if (cell.state() == ReviewedCells.State.DELETED) {
            throw new ReviewRefusedException(409, "cell " + cell.key() + " was deleted; draw a new box instead");
        }
        return cell;
    }

    private static CellClass cellClass(String name) {
        if (name == null || name.isBlank()) {
            throw new ReviewRefusedException(400, "cellClass names the class: RBC, WBC or Platelets");
        }
        return CellClass.named(name.trim()).orElseThrow(() -> new ReviewRefusedException(400,
                "no cell class " + name + " (classes: RBC, WBC, Platelets)"));
    }

    /** The drawn box, checked against the run's image size. */
    static double[] box(CellEditRequest.Box box, DetectionRun run) {
        if (box == null || box.x1() == null || box.y1() == null || box.x2() == null || box.y2() == null) {
            throw new ReviewRefusedException(400, "ADD needs box {x1, y1, x2, y2} in the image's pixels");
        }
        double[] b = { box.x1(), box.y1(), box.x2(), box.y2() };
        for (double v : b) {
            if (!Double.isFinite(v)) {
                throw new ReviewRefusedException(400, "box coordinates must be numbers");
            }
        }
        if (b[2] - b[0] < 1 || b[3] - b[1] < 1) {
            throw new ReviewRefusedException(400, String.format(Locale.ROOT,
                    "box (%.1f, %.1f)-(%.1f, %.1f) is empty: x2 must exceed x1 and y2 y1 by a pixel or more",
                    b[0], b[1], b[2], b[3]));
        }
        if (b[0] < 0 || b[1] < 0 || b[2] > run.imageWidth || b[3] > run.imageHeight) {
            throw new ReviewRefusedException(400, String.format(Locale.ROOT,
                    "box (%.1f, %.1f)-(%.1f, %.1f) is outside the image (%d x %d pixels)", b[0], b[1], b[2], b[3],
                    run.imageWidth, run.imageHeight));
        }
        return b;
    }

    private static void checkComment(String comment) {
        if (comment != null && comment.length() > Reviews.MOST_COMMENT) {
            throw new ReviewRefusedException(400, "comment is longer than " + Reviews.MOST_COMMENT + " characters");
        }
    }

    private static String describe(CellEdit edit) {
        return switch (edit.action) {
            case ADD -> String.format(Locale.ROOT, "ADD %s %s at (%.0f, %.0f)-(%.0f, %.0f)", edit.key(),
                    edit.classAfter, edit.x1, edit.y1, edit.x2, edit.y2);
            case RECLASSIFY -> "RECLASSIFY " + edit.cellKey + " " + edit.classBefore + " -> " + edit.classAfter;
            case DELETE -> "DELETE " + edit.cellKey + " " + edit.classBefore;
        };
    }
}
