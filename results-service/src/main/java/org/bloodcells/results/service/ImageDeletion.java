package org.bloodcells.results.service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.minio.MinioClient;
import io.minio.RemoveObjectArgs;
import io.quarkus.narayana.jta.QuarkusTransaction;
import org.bloodcells.results.audit.AuditAction;
import org.bloodcells.results.audit.AuditTrail;
import org.bloodcells.results.persistence.Image;
import org.bloodcells.storage.ObjectKeys;
import org.bloodcells.storage.StorageConfig;
import org.bloodcells.storage.StorageUnavailableException;
import org.jboss.logging.Logger;

/**
 * Deletes an image for good (ops, e.g. a patient's withdrawn consent or an image uploaded by mistake): its object and
 * its upload marker in storage, then its rows (detection runs, reviews, memberships, the image), and marks it deleted
 * so that events still in flight do not bring it back; the audit trail keeps who deleted it and when (the trail's
 * earlier entries about it stay: they hold ids and counts, no file name).
 *
 * <p>The objects go first: when storage fails nothing is deleted yet and the request can simply be repeated; when
 * the database fails after, the rows are still there and a repeat removes them.
 */
@ApplicationScoped
public class ImageDeletion {

    private static final Logger LOG = Logger.getLogger(ImageDeletion.class);

    /** What a deletion removed. */
    public record Deleted(String imageId, List<String> objectsRemoved, int detectionRuns, int reviews, int memberships,
            Instant deletedAt, String deletedBy) {
    }

    private record Stored(String bucket, String objectKey) {
    }

    private final MinioClient storage;
    private final StorageConfig config;
    private final AuditTrail audit;

    public ImageDeletion(MinioClient storage, StorageConfig config, AuditTrail audit) {
        this.storage = storage;
        this.config = config;
        this.audit = audit;
    }

    /** Deletes the image; empty when nothing is known of it. */
    public Optional<Deleted> delete(String imageId, String user) {
        String deletedBy = AuditTrail.actor(user);
        Optional<Stored> stored = QuarkusTransaction.requiringNew().call(() -> {
            Image image = Image.findById(imageId);
            long memberships = org.bloodcells.results.persistence.ImageMembership.count("imageId", imageId);
            if (image == null && memberships == 0) {
                return Optional.<Stored>empty();
            }
            return Optional.of(new Stored(image != null && image.bucket != null ? image.bucket : config.bucket(),
                    image == null ? null : image.objectKey));
        });
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        List<String> removed = new ArrayList<>();
        if (stored.get().objectKey() != null) {
            removed.add(remove(stored.get().bucket(), stored.get().objectKey(), imageId));
        }
        removed.add(remove(stored.get().bucket(), ObjectKeys.publishedMarker(imageId), imageId));

        Instant now = Instant.now();
        Deleted deleted = QuarkusTransaction.requiringNew().call(() -> {
            var em = Image.getEntityManager();
            em.createNativeQuery("update image set current_run_id = null where image_id = ?1")
                    .setParameter(1, imageId).executeUpdate();
            int reviews = em.createNativeQuery("delete from count_review where image_id = ?1")
                    .setParameter(1, imageId).executeUpdate();
            int runs = em.createNativeQuery("delete from detection_run where image_id = ?1")
                    .setParameter(1, imageId).executeUpdate();
            em.createNativeQuery("delete from held_detection where image_id = ?1").setParameter(1, imageId)
                    .executeUpdate();
            int memberships = em.createNativeQuery("delete from image_membership where image_id = ?1")
                    .setParameter(1, imageId).executeUpdate();
            em.createNativeQuery("delete from image where image_id = ?1").setParameter(1, imageId).executeUpdate();
            em.createNativeQuery("""
                    insert into deleted_image (image_id, deleted_at, deleted_by) values (?1, ?2, ?3)
                    on conflict (image_id) do update set deleted_at = excluded.deleted_at,
                    deleted_by = excluded.deleted_by""")
                    .setParameter(1, imageId).setParameter(2, now).setParameter(3, deletedBy).executeUpdate();
            audit.record("deletion:" + imageId + ":" + now, now, deletedBy, AuditAction.DELETION, imageId,
                    "removed " + String.join(", ", removed) + "; " + runs + " detection runs, " + reviews
                            + " reviews, " + memberships + " memberships");
            return new Deleted(imageId, List.copyOf(removed), runs, reviews, memberships, now, deletedBy);
        });
        LOG.infof("Image %s deleted by %s", imageId, deletedBy);
        return Optional.of(deleted);
    }

    private String remove(String bucket, String key, String imageId) {
        try {
            storage.removeObject(RemoveObjectArgs.builder().bucket(bucket).object(key).build());
            return key;
        } catch (Exception e) {
            throw new StorageUnavailableException("image " + imageId + " could not be removed from storage (nothing"
                    + " was deleted; repeat the request): " + e.getMessage(), e);
        }
    }
}
