package org.bloodcells.results.evidence;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.bloodcells.events.DetectedCell;
import org.bloodcells.images.ImageDecoder;
import org.bloodcells.images.ImageLimits;
import org.bloodcells.images.UnusableImageException;
import org.bloodcells.results.persistence.DetectionRun;
import org.bloodcells.results.persistence.Image;
import org.bloodcells.results.service.CellClass;
import org.bloodcells.storage.StorageUnavailableException;

import io.minio.GetObjectArgs;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.minio.MinioClient;

/** An image's current run as evidence: its boxes with the thresholds behind them, and drawn over the image. */
@ApplicationScoped
public class Evidence {

    /**
     * Overlays drawn at once. One image decodes to up to 400 MB (the platform's 10 000 × 10 000 pixels); more
     * requests wait their turn, up to {@link #OVERLAY_WAIT}, then get 503.
     */
    public static final int MOST_OVERLAYS_AT_ONCE = 2;
    public static final java.time.Duration OVERLAY_WAIT = java.time.Duration.ofSeconds(20);

    private final MinioClient storage;
    private final java.util.concurrent.Semaphore drawingSlots = new java.util.concurrent.Semaphore(MOST_OVERLAYS_AT_ONCE,
            true);

    public Evidence(MinioClient storage) {
        this.storage = storage;
    }

    /** Empty when the image is unknown or has no run yet. */
    @Transactional
    public Optional<DetectionEvidence> detections(String imageId) {
        return current(imageId).map(run -> new DetectionEvidence(imageId, run.modelName, run.modelVersion,
                run.detectedAt, run.imageWidth, run.imageHeight, run.thresholds(), new TreeMap<>(run.counts),
                run.cells.stream().map(c -> new DetectionEvidence.Box(c.cellClass(), c.score(), c.x1(), c.y1(), c.x2(),
                        c.y2(), run.counted(c))).toList(),
                List.copyOf(run.outOfDistribution)));
    }

    /**
     * The overlay PNG; empty when the image is unknown or has no run yet. The image is read from storage outside
     * the database transaction, which holds a connection only while the run is read.
     */
    public Optional<byte[]> overlay(String imageId, Set<CellClass> shown, int maxWidth) {
        Optional<Drawing> drawing = QuarkusTransaction.requiringNew().call(() -> {
            Image image = Image.findById(imageId);
            if (image == null || image.currentRun == null || image.bucket == null || image.objectKey == null) {
                return Optional.<Drawing>empty();
            }
            DetectionRun run = image.currentRun;
            return Optional.of(new Drawing(imageId, image.bucket, image.objectKey, List.copyOf(run.cells),
                    run::counted, CellClass.reported(image), run.modelName + " " + run.modelVersion));
        });
        if (drawing.isEmpty()) {
            return Optional.empty();
        }
        Drawing d = drawing.get();
        try {
            if (!drawingSlots.tryAcquire(OVERLAY_WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                throw new OverlaysBusyException();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OverlaysBusyException();
        }
        try {
            return Optional.of(Overlay.png(read(d), d.cells(), shown, d.counted(), d.counts(), d.model(), maxWidth));
        } finally {
            drawingSlots.release();
        }
    }

    /** The stored image as uploaded, for the page to cut cell crops from; empty when the image or its object is unknown. */
    public Optional<Original> original(String imageId) {
        Optional<String[]> stored = QuarkusTransaction.requiringNew().call(() -> {
            Image image = Image.findById(imageId);
            if (image == null || image.bucket == null || image.objectKey == null) {
                return Optional.<String[]>empty();
            }
            return Optional.of(new String[] { image.bucket, image.objectKey,
                    image.contentType == null ? "application/octet-stream" : image.contentType });
        });
        return stored.map(s -> new Original(bytes(imageId, s[0], s[1]), s[2]));
    }

    /** An image's stored bytes and their content type. */
    public record Original(byte[] bytes, String contentType) {
    }

    private record Drawing(String imageId, String bucket, String objectKey, List<DetectedCell> cells,
            Predicate<DetectedCell> counted, java.util.Map<String, Integer> counts, String model) {
    }

    private BufferedImage read(Drawing image) {
        byte[] bytes = bytes(image.imageId(), image.bucket(), image.objectKey());
        try {
            return ImageDecoder.decode(bytes, ImageLimits.PLATFORM);
        } catch (UnusableImageException e) {
            throw new IllegalStateException("stored image " + image.imageId() + " no longer decodes: " + e.getMessage(),
                    e);
        }
    }

    private byte[] bytes(String imageId, String bucket, String objectKey) {
        try (InputStream in = storage.getObject(GetObjectArgs.builder().bucket(bucket).object(objectKey).build())) {
            return in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, ImageLimits.PLATFORM.maxBytes() + 1));
        } catch (IOException | io.minio.errors.MinioException | java.security.GeneralSecurityException e) {
            throw new StorageUnavailableException("image " + imageId + " could not be read from storage: "
                    + e.getMessage(), e);
        }
    }

    private static Optional<DetectionRun> current(String imageId) {
        Image image = Image.findById(imageId);
        return image == null || image.currentRun == null ? Optional.empty() : Optional.of(image.currentRun);
    }

    /** Every overlay slot stayed busy for {@link #OVERLAY_WAIT}: 503, retry. */
    public static class OverlaysBusyException extends RuntimeException {
        OverlaysBusyException() {
            super("overlays are being drawn for other requests; retry");
        }
    }
}
