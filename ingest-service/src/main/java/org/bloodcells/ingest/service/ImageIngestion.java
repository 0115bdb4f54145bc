package org.bloodcells.ingest.service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

import jakarta.enterprise.context.ApplicationScoped;

import org.bloodcells.events.ImageMembership;
import org.bloodcells.events.ImageUploaded;
import org.bloodcells.events.Scale;
import org.bloodcells.images.FileScale;
import org.bloodcells.ingest.config.IngestConfig;
import org.bloodcells.ingest.messaging.EventPublisher;
import org.bloodcells.ingest.metrics.IngestMetrics;
import org.bloodcells.ingest.storage.ImageStore;
import org.bloodcells.storage.LogRedaction;
import org.bloodcells.storage.ObjectKeys;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Takes a batch of staged files to "stored and announced". The order of the steps is what
 * makes a retry repair any crash:
 * <ol>
 * <li>every file is inspected before anything is written, so a bad file leaves no trace;</li>
 * <li>the image is written under its content address (rewriting the same bytes is harmless);</li>
 * <li>the {@link ImageUploaded} event is published and the broker's ack awaited;</li>
 * <li>only then is the "published" marker written.</li>
 * </ol>
 * An image counts as known when its marker exists, not its object: a crash between 2 and 4
 * leaves no marker, so the client's retry publishes again. Consumers are idempotent, so the
 * rare duplicate event (crash between 3 and 4) is harmless, while a lost one would not be.
 * A known image uploaded again is not stored or searched again: its {@link ImageMembership} in this upload's scanner,
 * slide and batch is announced instead (acknowledged too before the answer), so the batch holds what was uploaded
 * into it. Logs name images by id only, never by the client's file name.
 */
@ApplicationScoped
public class ImageIngestion {

    private static final Logger LOG = Logger.getLogger(ImageIngestion.class);

    private final ImageInspector inspector;
    private final ImageStore store;
    private final EventPublisher publisher;
    private final ObjectMapper json;
    private final IngestConfig config;
    private final IngestMetrics metrics;

    public ImageIngestion(ImageInspector inspector, ImageStore store, EventPublisher publisher,
            ObjectMapper json, IngestConfig config, IngestMetrics metrics) {
        this.inspector = inspector;
        this.store = store;
        this.publisher = publisher;
        this.json = json;
        this.config = config;
        this.metrics = metrics;
        config.upload().scannerMicronsPerPixel().forEach((scanner, mpp) -> {
            if (mpp == null || !FileScale.plausible(mpp)) {
                throw new IllegalStateException("bloodcells.upload.scanner-microns-per-pixel.\"" + scanner + "\" is "
                        + mpp + ": a scanner's microns per pixel lie between " + FileScale.MIN_MICRONS + " and "
                        + FileScale.MAX_MICRONS);
            }
        });
    }

    /**
     * Checks a whole upload before any of it is stored.
     *
     * @throws InvalidUpload  when there is no file, or the declared scale is not a microscope's
     * @throws UploadRejected when any file is not an acceptable image
     */
    public List<InspectedImage> inspect(List<StagedFile> files, Double micronsPerPixel) {
        if (files.isEmpty()) {
            throw new InvalidUpload("no image: send one or more multipart parts named 'file'");
        }
        if (micronsPerPixel != null && !FileScale.plausible(micronsPerPixel)) {
            throw new InvalidUpload("micronsPerPixel must be between " + FileScale.MIN_MICRONS + " and "
                    + FileScale.MAX_MICRONS + " (microns per image pixel), was " + micronsPerPixel);
        }
        List<InspectedImage> images = new ArrayList<>(files.size());
        List<ImageRejected> rejections = new ArrayList<>();
        for (StagedFile file : files) {
            try {
                images.add(inspector.inspect(file));
            } catch (ImageRejected rejected) {
                rejections.add(rejected);
            }
        }
        if (!rejections.isEmpty()) {
            rejections.forEach(r -> metrics.rejected(r.reason()));
            throw new UploadRejected(rejections, files.size());
        }
        return images;
    }

    /** A file refused before inspection (too large while staging): counted, and the whole upload refused. */
    public UploadRejected rejected(ImageRejected rejection, int fileCount) {
        metrics.rejected(rejection.reason());
        return new UploadRejected(List.of(rejection), fileCount);
    }

    /**
     * @param micronsPerPixel the images' scale as the upload declares it, or null; it wins over the scanner's
     *                        configured scale, which wins over the one the file records
     * @throws InvalidUpload   when there is no file, or the declared scale is not a microscope's
     * @throws UploadRejected  when any file is not an acceptable image (nothing is stored then)
     * @throws org.bloodcells.storage.StorageUnavailableException when object storage fails
     * @throws org.bloodcells.ingest.messaging.PublishFailed     when Kafka does not acknowledge
     */
    public List<IngestedImage> ingest(List<StagedFile> files, ImageOrigin origin, Double micronsPerPixel) {
        List<InspectedImage> images = inspect(files, micronsPerPixel);
        return images.stream().map(image -> storeAndAnnounce(image, origin, micronsPerPixel)).toList();
    }

    /** Stores (the staged file: the very bytes inspected) and announces one inspected image. */
    public IngestedImage storeAndAnnounce(InspectedImage image, ImageOrigin origin, Double micronsPerPixel) {
        String objectKey = ObjectKeys.image(image.imageId(), image.format());
        String markerKey = ObjectKeys.publishedMarker(image.imageId());
        String contentType = image.format().mediaType();
        long size = image.file().size();
        boolean created = !store.exists(markerKey);
        Instant now = Instant.now();
        if (created) {
            store.put(objectKey, image.file().path(), size, contentType);
            ImageUploaded event = ImageUploaded.builder().imageId(image.imageId()).bucket(store.bucket())
                    .objectKey(objectKey).contentType(contentType).sizeBytes(size).scannerId(origin.scannerId())
                    .slideId(origin.slideId()).batchId(origin.batchId()).uploadedAt(now)
                    .scale(scaleOf(image, origin, micronsPerPixel)).uploadedBy(origin.uploadedBy()).build();
            publisher.publishAndAwaitAck(event, config.upload().publishTimeout());
            store.put(markerKey, toJson(event), "application/json");
            LOG.infof("Image %s stored as %s and announced", image.imageId(), objectKey);
        } else {
            publisher.publishAndAwaitAck(new ImageMembership(image.imageId(), origin.scannerId(), origin.slideId(),
                    origin.batchId(), now, origin.uploadedBy()), config.upload().publishTimeout());
            LOG.debugf("Image %s already known; its membership of batch %s announced", image.imageId(),
                    LogRedaction.id(origin.batchId()));
        }
        metrics.image(created, size);
        return new IngestedImage(image.fileName(), image.imageId(), objectKey, contentType, size,
                image.width(), image.height(), created);
    }

    /** Declared, else the scanner's, else the file's; null when none tells it (the worker estimates it then). */
    Scale scaleOf(InspectedImage image, ImageOrigin origin, Double declared) {
        if (declared != null) {
            return new Scale(declared, "DECLARED");
        }
        Double scanner = config.upload().scannerMicronsPerPixel().get(origin.scannerId());
        if (scanner != null) {
            return new Scale(scanner, "SCANNER");
        }
        OptionalDouble file = FileScale.micronsPerPixel(image.file().path());
        return file.isPresent() ? new Scale(file.getAsDouble(), "FILE") : null;
    }

    private byte[] toJson(ImageUploaded event) {
        try {
            return json.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an ImageUploaded always serialises", e);
        }
    }
}
