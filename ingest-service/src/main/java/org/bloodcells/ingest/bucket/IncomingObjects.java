package org.bloodcells.ingest.bucket;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.bloodcells.events.ImageId;
import org.bloodcells.images.UnusableImageException.Reason;
import org.bloodcells.ingest.metrics.IngestMetrics;
import org.bloodcells.ingest.service.ImageIngestion;
import org.bloodcells.ingest.service.ImageRejected;
import org.bloodcells.ingest.service.InspectedImage;
import org.bloodcells.ingest.service.InvalidUpload;
import org.bloodcells.ingest.service.StagedFile;
import org.bloodcells.ingest.service.Staging;
import org.bloodcells.ingest.service.UploadRejected;
import org.bloodcells.ingest.storage.ImageStore;
import org.bloodcells.ingest.storage.ImageStore.Version;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Takes an object a scanner put under {@code incoming/} through what an HTTP upload goes through: one version of it
 * (its ETag) is streamed to a staged file and digested (within the size limit), inspected by the platform's decoder,
 * the staged bytes (the very bytes inspected) are stored under their content address and announced, and only then is
 * the incoming object removed, if it is still that version. A bad object moves to {@code rejected/} with a
 * {@code .reason.json} beside it. A failure of storage or Kafka leaves the object where it is, for the next
 * notification or scan; an object overwritten meanwhile is left for its own notification; taking one twice (the
 * notification and the scan, two replicas) finds it gone the second time.
 */
@ApplicationScoped
public class IncomingObjects {

    private static final Logger LOG = Logger.getLogger(IncomingObjects.class);

    /** S3's longest key, in UTF-8 bytes. */
    private static final int MAX_KEY_BYTES = 1024;

    /** What became of one incoming object. */
    public enum Outcome {
        STORED, KNOWN, REJECTED, GONE
    }

    private final ImageStore store;
    private final Staging staging;
    private final ImageIngestion ingestion;
    private final IngestMetrics metrics;
    private final ObjectMapper json;

    public IncomingObjects(ImageStore store, Staging staging, ImageIngestion ingestion, IngestMetrics metrics,
            ObjectMapper json) {
        this.store = store;
        this.staging = staging;
        this.ingestion = ingestion;
        this.metrics = metrics;
        this.json = json;
    }

    /**
     * @throws org.bloodcells.storage.StorageUnavailableException when object storage fails (the object stays)
     * @throws org.bloodcells.ingest.messaging.PublishFailed     when Kafka does not acknowledge (the object stays)
     */
    public Outcome take(String key) {
        Optional<Version> found = store.version(key);
        if (found.isEmpty()) {
            return Outcome.GONE;
        }
        Version version = found.get();
        IncomingKey incoming;
        try {
            incoming = IncomingKey.parse(key);
        } catch (InvalidUpload e) {
            return reject(key, version, 400, "INVALID_KEY", e.getMessage());
        }
        Optional<StagedFile> staged;
        try {
            if (version.size() > staging.maxBytes()) {
                throw new ImageRejected(incoming.fileName(), Reason.TOO_LARGE, "%d bytes exceed the limit of %d bytes"
                        .formatted(version.size(), staging.maxBytes()));
            }
            staged = store.read(key, version.etag(), in -> staging.stage(incoming.fileName(), in));
        } catch (ImageRejected e) {
            metrics.rejected(e.reason());
            return reject(key, version, ImageRejected.httpStatus(e.reason()), e.reason().name(), e.detail());
        }
        if (staged.isEmpty()) {
            return Outcome.GONE;
        }
        try {
            InspectedImage image;
            try {
                image = ingestion.inspect(List.of(staged.get()), null).get(0);
            } catch (UploadRejected e) {
                ImageRejected first = e.rejections().get(0);
                return reject(key, version, ImageRejected.httpStatus(first.reason()), first.reason().name(),
                        first.detail());
            }
            boolean created = ingestion.storeAndAnnounce(image, incoming.origin(), null).created();
            store.removeIfUnchanged(key, version.etag());
            LOG.infof("Bucket upload of image %s (scanner %s) taken", image.imageId(), incoming.origin().scannerId());
            return created ? Outcome.STORED : Outcome.KNOWN;
        } finally {
            Staging.delete(staged.get().path());
        }
    }

    private Outcome reject(String key, Version version, int status, String reason, String detail) {
        String rejected = IncomingKey.rejectedKey(key);
        String reasonKey = IncomingKey.reasonKey(key);
        if (reasonKey.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
            // Too long to keep its path under rejected/: named by the SHA-256 of its key instead (the reason says it).
            String id = ImageId.of(key.getBytes(StandardCharsets.UTF_8));
            rejected = IncomingKey.REJECTED + "long-keys/" + id;
            reasonKey = rejected + ".reason.json";
        }
        if (!store.copy(key, version.etag(), rejected)) {
            return Outcome.GONE;
        }
        Map<String, Object> why = new LinkedHashMap<>();
        why.put("key", key);
        why.put("status", status);
        why.put("reason", reason);
        why.put("detail", detail);
        why.put("rejectedAt", Instant.now().toString());
        store.put(reasonKey, toJson(why), "application/json");
        store.removeIfUnchanged(key, version.etag());
        LOG.warnf("A bucket upload was rejected (%s %s); it is under %s with its reason", status, reason,
                IncomingKey.REJECTED);
        return Outcome.REJECTED;
    }

    private byte[] toJson(Map<String, Object> value) {
        try {
            return json.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings and numbers always serialises", e);
        }
    }
}
