package org.bloodcells.results.service;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Objects;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.bloodcells.events.CellDetections;
import org.bloodcells.events.DeadLetter;
import org.bloodcells.events.ImageUploaded;
import org.bloodcells.results.persistence.DetectionRun;
import org.bloodcells.results.persistence.Image;
import org.jboss.logging.Logger;

/**
 * Applies pipeline events to the stored results. Every method is idempotent and commutes with
 * the others for the same image: each locks (or first creates) the image's row, so events about
 * one image are applied one at a time, in whatever order they arrive. Events come checked: the
 * consumer hands over only what messaging.EventReader found storable ({@link EventCheck}), and
 * parks the rest.
 */
@ApplicationScoped
public class ResultRecorder {

    private static final Logger LOG = Logger.getLogger(ResultRecorder.class);

    /**
     * Registers the image with its scanner, slide and batch; the first upload's values stand.
     *
     * @return whether this was the image's first upload (false: a re-delivery or the same bytes uploaded again)
     */
    @Transactional
    public boolean recordUpload(ImageUploaded event) {
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
        return first;
    }

    /**
     * Stores the run once per image and model version; a re-delivery changes nothing.
     *
     * @return whether the run was new (false: a duplicate, ignored)
     */
    @Transactional
    public boolean recordDetections(CellDetections event) {
        Image image = Image.lockOrCreate(event.imageId());
        if (DetectionRun.exists(event.imageId(), event.modelName(), event.modelVersion())) {
            LOG.debugf("Detections of %s by %s %s already stored", event.imageId(), event.modelName(),
                    event.modelVersion());
            return false;
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
        run.workerId = event.workerId();
        run.detectedAt = event.detectedAt();
        run.receivedAt = Instant.now();
        run.persist();
        if (image.currentRun == null || !run.detectedAt.isBefore(image.currentRun.detectedAt)) {
            image.currentRun = run;
        }
        image.status = image.status.afterDetections();
        image.updatedAt = Instant.now();
        return true;
    }

    /**
     * Marks the image FAILED with the reason, unless counts are already stored for it.
     *
     * @return whether the failure was new (false: a re-delivery of the failure already stored)
     */
    @Transactional
    public boolean recordDeadLetter(DeadLetter event) {
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

    /** PostgreSQL keeps microseconds: an instant read back equals the event's only at that precision. */
    private static Instant micros(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.MICROS);
    }

    private static <T> T firstNonNull(T stored, T incoming) {
        return stored != null ? stored : incoming;
    }
}
