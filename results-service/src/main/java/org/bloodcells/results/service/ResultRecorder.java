package org.bloodcells.results.service;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.bloodcells.events.CellDetections;
import org.bloodcells.events.DeadLetter;
import org.bloodcells.events.ImageMembership;
import org.bloodcells.events.ImageUploaded;
import org.bloodcells.events.ModelPromoted;
import org.bloodcells.events.ModelRef;
import org.bloodcells.results.audit.AuditAction;
import org.bloodcells.results.audit.AuditTrail;
import org.bloodcells.results.persistence.DeletedImage;
import org.bloodcells.results.config.ReviewConfig;
import org.bloodcells.results.persistence.PromotedModel;
import org.bloodcells.results.review.ReviewFlags;
import jakarta.persistence.LockModeType;
import org.bloodcells.results.persistence.DetectionRun;
import org.bloodcells.results.persistence.Image;
import org.jboss.logging.Logger;

/**
 * Applies pipeline events to the stored results. Every method is idempotent and commutes with
 * the others for the same image: each locks (or first creates) the image's row, so events about
 * one image are applied one at a time, in whatever order they arrive. Events come checked: the
 * consumer hands over only what messaging.EventReader found storable (the event's {@code problem()}), and
 * parks the rest.
 */
@ApplicationScoped
public class ResultRecorder {

    private static final Logger LOG = Logger.getLogger(ResultRecorder.class);

    /** Most of a slide's other images an image's counts are compared with. */
    private static final int MOST_PEERS = 2000;

    private final ReviewConfig review;
    private final AuditTrail audit;
    private final KnownVersions known;

    public ResultRecorder(ReviewConfig review, AuditTrail audit, KnownVersions known) {
        this.review = review;
        this.audit = audit;
        this.known = known;
    }

    /** What became of a detections record. */
    public enum Recorded {
        /** A new run, stored. */
        STORED,
        /** Nothing new: a re-delivery of a run stored or held, or detections of a deleted image. */
        DUPLICATE,
        /** Its model version is not one the registry vouched for: held with the reason, not stored (KnownVersions). */
        HELD
    }

    /**
     * Registers the image with its scanner, slide and batch; the first upload's values stand.
     *
     * @return whether this was the image's first upload (false: a re-delivery or the same bytes uploaded again)
     */
    @Transactional
    public boolean recordUpload(ImageUploaded event) {
        if (!stillWanted(event.imageId(), event.uploadedAt())) {
            return false;
        }
        if (event.model() == null) {
            audit.record("upload:" + event.imageId() + ":" + event.uploadedAt(), event.uploadedAt(), event.uploadedBy(),
                    AuditAction.UPLOAD, event.imageId(), origin(event.scannerId(), event.slideId(), event.batchId())
                            + ", " + event.sizeBytes() + " bytes " + event.contentType());
        }
        Image image = Image.lockOrCreate(event.imageId());
        boolean first = image.uploadedAt == null;
        image.scannerId = firstNonNull(image.scannerId, event.scannerId());
        image.slideId = firstNonNull(image.slideId, event.slideId());
        image.batchId = firstNonNull(image.batchId, event.batchId());
        image.bucket = firstNonNull(image.bucket, event.bucket());
        image.objectKey = firstNonNull(image.objectKey, event.objectKey());
        image.contentType = firstNonNull(image.contentType, event.contentType());
        image.sizeBytes = firstNonNull(image.sizeBytes, event.sizeBytes());
        image.uploadedAt = firstNonNull(image.uploadedAt, event.uploadedAt());
        image.status = image.status.afterUpload();
        image.updatedAt = Instant.now();
        if (event.scannerId() != null && event.slideId() != null && event.batchId() != null) {
            org.bloodcells.results.persistence.ImageMembership.add(event.imageId(), event.scannerId(),
                    event.slideId(), event.batchId(), event.uploadedAt());
        }
        if (first && image.currentRun != null) {
            // Its detections came first, before the image had a slide to be compared with.
            image.currentRun.reviewFlags = flags(image.currentRun, image);
            image.reviewFlags = new ArrayList<>(image.currentRun.reviewFlags);
        }
        return first;
    }

    /**
     * The same bytes uploaded again into a scanner's slide and batch: the image counts there too (once), with the
     * detections it has or will have. Needs no image row yet (the membership may arrive before the upload's event).
     *
     * @return always true (a repeat is absorbed by the membership's key)
     */
    @Transactional
    public boolean recordMembership(ImageMembership event) {
        if (!stillWanted(event.imageId(), event.addedAt())) {
            return false;
        }
        audit.record("membership:" + event.imageId() + ":" + origin(event.scannerId(), event.slideId(),
                event.batchId()) + ":" + event.addedAt(), event.addedAt(), event.addedBy(), AuditAction.UPLOAD,
                event.imageId(), origin(event.scannerId(), event.slideId(), event.batchId())
                        + ", bytes already stored: a membership");
        org.bloodcells.results.persistence.ImageMembership.add(event.imageId(), event.scannerId(), event.slideId(),
                event.batchId(), event.addedAt());
        return true;
    }

    /**
     * Stores the run once per image and model version, if the registry vouched for the version; a re-delivery
     * changes nothing. A run of another version is held with its reason ({@link KnownVersions}): it never takes over
     * an image's counts, whatever time it names.
     *
     * @param record the record as received, kept when it is held
     */
    @Transactional
    public Recorded recordDetections(CellDetections event, String record) {
        if (DeletedImage.isDeleted(event.imageId())) {
            LOG.debugf("Detections of deleted image %s not stored", event.imageId());
            return Recorded.DUPLICATE;
        }
        if (!known.knows(event.modelName(), event.modelVersion())) {
            String reason = unknownVersion(event.modelName(), event.modelVersion());
            return known.hold(event, record, reason) ? Recorded.HELD : Recorded.DUPLICATE;
        }
        Image image = Image.lockOrCreate(event.imageId());
        if (DetectionRun.exists(event.imageId(), event.modelName(), event.modelVersion())) {
            LOG.debugf("Detections of %s by %s %s already stored", event.imageId(), event.modelName(),
                    event.modelVersion());
            return Recorded.DUPLICATE;
        }
        DetectionRun run = new DetectionRun();
        run.imageId = event.imageId();
        run.modelName = event.modelName();
        run.modelVersion = event.modelVersion();
        run.imageWidth = event.imageWidth();
        run.imageHeight = event.imageHeight();
        run.cells = new ArrayList<>(event.cells());
        run.counts = new LinkedHashMap<>(event.counts());
        run.inferenceMillis = event.inferenceMillis();
        if (event.scale() != null) {
            run.micronsPerPixel = event.scale().micronsPerPixel();
            run.scaleSource = event.scale().source();
        }
        run.tiles = event.tiles();
        run.outOfDistribution = new ArrayList<>(event.outOfDistribution());
        run.doubt = event.doubt();
        if (event.thresholds() != null) {
            run.scoreThreshold = event.thresholds().score();
            run.countThresholds = new LinkedHashMap<>(event.thresholds().count());
            run.postProcessing = event.thresholds().postProcessing();
        }
        run.workerId = event.workerId();
        run.detectedAt = event.detectedAt();
        run.receivedAt = Instant.now();
        run.reviewFlags = flags(run, image);
        run.persist();
        image.status = image.status.afterDetections();
        if (takesOver(run, image.currentRun)) {
            makeCurrent(image, run);
        }
        image.updatedAt = Instant.now();
        return Recorded.STORED;
    }

    /** Why a run of this version is held. */
    public static String unknownVersion(String name, String version) {
        return "model " + name + " " + version + " is not a version the registry vouched for (no signed promotion"
                + " of it, no re-processing with it): held, not stored";
    }

    /**
     * Whether a new run becomes the image's current one: a run of its model's promoted version always does, and
     * one of another version only over a run that is not the promoted version's (the latest such run then counts).
     */
    static boolean takesOver(DetectionRun run, DetectionRun current) {
        if (current == null) {
            return true;
        }
        String promoted = PromotedModel.of(run.modelName).map(p -> p.modelVersion).orElse(null);
        boolean runPromoted = run.modelVersion.equals(promoted);
        boolean currentPromoted = current.modelName.equals(run.modelName) && current.modelVersion.equals(promoted);
        if (runPromoted != currentPromoted) {
            return runPromoted;
        }
        return !run.detectedAt.isBefore(current.detectedAt);
    }

    /**
     * What {@link #recordPromotion} did.
     *
     * @param fresh  whether it was new (false: a re-delivery of the one in force, or refused)
     * @param replay why it was refused as a replay of an older promotion; null when it was not
     */
    public record PromotionOutcome(boolean fresh, String replay) {
    }

    /**
     * A promotion (its signature verified by the consumer): the version in force for its model, known from now on
     * (KnownVersions), and every image with a run of that version counts that run from now on.
     *
     * <p>A signature proves the registry once promoted it, not that it is the latest: a promotion whose
     * {@code promotedAt} is not after the one in force is an old record sent again (a replay) and is refused, changing
     * nothing. The very record in force (same version, same {@code promotedAt}) is a re-delivery and does nothing.
     * Rolling back is a new promotion of the earlier version, with a later {@code promotedAt}.
     */
    @Transactional
    public PromotionOutcome recordPromotion(ModelPromoted event) {
        ModelRef model = event.model();
        PromotedModel promoted = PromotedModel.<PromotedModel>findByIdOptional(model.name(), LockModeType.PESSIMISTIC_WRITE)
                .orElse(null);
        boolean sameVersion = promoted != null && promoted.modelVersion.equals(model.version())
                && promoted.sha256.equals(model.sha256());
        if (promoted != null && !micros(event.promotedAt()).isAfter(micros(promoted.promotedAt))
                && !(sameVersion && micros(event.promotedAt()).equals(micros(promoted.promotedAt)))) {
            return new PromotionOutcome(false, "a replayed promotion of " + model.name() + " " + model.version()
                    + ": promoted at " + event.promotedAt() + ", not after the one in force (" + promoted.modelVersion
                    + ", promoted at " + promoted.promotedAt + ")");
        }
        known.learn(model, KnownVersions.Source.PROMOTION, event.promotedAt());
        if (sameVersion) {
            return new PromotionOutcome(false, null);
        }
        boolean first = promoted == null;
        if (first) {
            promoted = new PromotedModel();
            promoted.modelName = model.name();
        }
        promoted.modelVersion = model.version();
        promoted.sha256 = model.sha256();
        promoted.promotedAt = event.promotedAt();
        promoted.promotedBy = event.promotedBy();
        if (first) {
            promoted.persist();
        }
        audit.record("promotion:" + model.name() + "/" + model.version() + ":" + event.promotedAt(),
                event.promotedAt(), event.promotedBy(), AuditAction.PROMOTION, model.name() + " " + model.version(),
                (event.previous() == null ? "first version" : "replaces " + event.previous())
                        + (event.reason() == null ? "" : "; gate overridden: " + event.reason()));
        int moved = repoint(model);
        LOG.infof("Model %s %s promoted: %d images now count its runs", model.name(), model.version(), moved);
        return new PromotionOutcome(true, null);
    }

    /**
     * Marks the image FAILED with the reason, unless counts are already stored for it.
     *
     * @return whether the failure was new (false: a re-delivery of the failure already stored)
     */
    @Transactional
    public boolean recordDeadLetter(DeadLetter event) {
        if (DeletedImage.isDeleted(event.imageId())) {
            return false;
        }
        Image image = Image.lockOrCreate(event.imageId());
        boolean known = Objects.equals(image.failureStage, event.stage())
                && Objects.equals(image.failureReason, event.reason())
                && Objects.equals(micros(image.failedAt), micros(event.failedAt()));
        image.failureStage = event.stage();
        image.failureReason = event.reason();
        image.failedAt = event.failedAt();
        image.status = image.status.afterDeadLetter();
        image.updatedAt = Instant.now();
        return !known;
    }

    /**
     * The run the image reports from now on: its model, time and counts copied onto the image's row (lists and
     * aggregates read them there), and the reasons a person should look at it.
     */
    private void makeCurrent(Image image, DetectionRun run) {
        if (image.reviewStatus == ReviewStatus.CONFIRMED && image.currentRun != run) {
            // An analyst confirmed another run's counts; a correction stays, it is the analyst's count of the image.
            image.reviewStatus = ReviewStatus.NONE;
        }
        image.currentRun = run;
        image.modelName = run.modelName;
        image.modelVersion = run.modelVersion;
        image.detectedAt = run.detectedAt;
        for (CellClass c : CellClass.values()) {
            c.setModelCount(image, run.counts.get(c.label()));
        }
        image.reviewFlags = new ArrayList<>(run.reviewFlags);
        image.doubt = run.doubt == null ? 0 : run.doubt;
        image.updatedAt = Instant.now();
    }

    /** The run's review flags, its counts compared with those of the image's slide's other images. */
    private List<String> flags(DetectionRun run, Image image) {
        return new ArrayList<>(ReviewFlags.of(run.cells, run::counted, run.outOfDistribution, run.counts,
                slidePeers(image, run.modelName), review));
    }

    /**
     * Every image with a run of the promoted version counts that run from now on: what {@link #makeCurrent} does for
     * one image, done for all of them in one statement (a promotion may re-point a year of re-processed images).
     * The images are locked first, in image id order, and only those are changed: a change reaches image_day_totals
     * (V4's trigger), whose rows a consumer locks after its one image, so every transaction takes image locks before
     * totals locks and none waits for another in a circle. Promotions themselves take turns (an advisory lock).
     */
    private int repoint(ModelRef model) {
        var em = Image.getEntityManager();
        em.createNativeQuery("select pg_advisory_xact_lock(hashtext('results-service: promotion'))").getSingleResult();
        @SuppressWarnings("unchecked")
        List<String> ids = em.createNativeQuery("""
                select i.image_id from image i join detection_run r on r.image_id = i.image_id
                where r.model_name = :name and r.model_version = :version
                  and i.current_run_id is distinct from r.id
                order by i.image_id for update of i""")
                .setParameter("name", model.name()).setParameter("version", model.version()).getResultList();
        if (ids.isEmpty()) {
            return 0;
        }
        StringBuilder counts = new StringBuilder();
        for (CellClass c : CellClass.values()) {
            counts.append(c.column()).append(" = (select c.cell_count from cell_count c where c.run_id = r.id")
                    .append(" and c.cell_class = '").append(c.label()).append("'), ");
        }
        return em.createNativeQuery("""
                update image i set current_run_id = r.id, model_name = r.model_name, model_version = r.model_version,
                    detected_at = r.detected_at, %s review_flags = r.review_flags,
                    review_status = case when i.review_status = 'CONFIRMED' then 'NONE' else i.review_status end,
                    updated_at = now()
                from detection_run r
                where r.image_id = i.image_id and r.model_name = :name and r.model_version = :version
                  and i.image_id = any(string_to_array(:ids, ','))""".formatted(counts))
                .setParameter("name", model.name()).setParameter("version", model.version())
                .setParameter("ids", String.join(",", ids)).executeUpdate();
    }

    /** Per class, the counts of the other DONE images of the image's slide whose current run is by the model. */
    private Map<CellClass, int[]> slidePeers(Image image, String modelName) {
        if (image.slideId == null) {
            return Map.of();
        }
        CellClass[] classes = CellClass.values();
        String columns = String.join(", ", java.util.Arrays.stream(classes).map(CellClass::column).toList());
        String counted = String.join(" and ",
                java.util.Arrays.stream(classes).map(c -> c.column() + " is not null").toList());
        @SuppressWarnings("unchecked")
        List<Object[]> rows = Image.getEntityManager().createNativeQuery("""
                select %s from image
                where slide_id = :slide and image_id <> :id and status = 'DONE' and model_name = :model and %s
                limit :most""".formatted(columns, counted))
                .setParameter("slide", image.slideId).setParameter("id", image.imageId)
                .setParameter("model", modelName).setParameter("most", MOST_PEERS).getResultList();
        Map<CellClass, int[]> peers = new EnumMap<>(CellClass.class);
        for (int c = 0; c < classes.length; c++) {
            int[] counts = new int[rows.size()];
            for (int i = 0; i < counts.length; i++) {
                counts[i] = ((Number) rows.get(i)[c]).intValue();
            }
            peers.put(classes[c], counts);
        }
        return peers;
    }

    /** PostgreSQL keeps microseconds: an instant read back equals the event's only at that precision. */
    private static Instant micros(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.MICROS);
    }

    private static <T> T firstNonNull(T stored, T incoming) {
        return stored != null ? stored : incoming;
    }

    /**
     * Whether an upload's event about the image is to be stored: not when the image was deleted after it happened (a
     * re-delivery, or an event still in flight); a later upload of the same bytes clears the deletion mark.
     */
    private static boolean stillWanted(String imageId, Instant happenedAt) {
        DeletedImage deleted = DeletedImage.findById(imageId);
        if (deleted == null) {
            return true;
        }
        if (deleted.before(happenedAt)) {
            LOG.debugf("Upload event of deleted image %s not stored", imageId);
            return false;
        }
        deleted.delete();
        return true;
    }

    private static String origin(String scanner, String slide, String batch) {
        return "scanner " + scanner + " slide " + slide + " batch " + batch;
    }
}
