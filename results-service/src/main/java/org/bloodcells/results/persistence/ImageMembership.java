package org.bloodcells.results.persistence;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** An image's membership of a scanner's slide in a batch (migration V5): one per distinct upload origin. */
@Entity
@Table(name = "image_membership")
@IdClass(ImageMembership.Key.class)
public class ImageMembership extends PanacheEntityBase {

    /** JPQL: the ids of the images uploaded into a batch (parameter {@code :batchId}), each once. */
    public static final String IMAGES_OF_BATCH = "select m.imageId from ImageMembership m where m.batchId = :batchId";

    /** JPQL: the ids of the images uploaded into a slide (parameter {@code :slideId}), each once. */
    public static final String IMAGES_OF_SLIDE = "select m.imageId from ImageMembership m where m.slideId = :slideId";

    @Id
    public String imageId;
    @Id
    public String batchId;
    @Id
    public String slideId;
    @Id
    public String scannerId;
    public Instant addedAt;

    /** Adds the membership unless the image already has it (a re-delivery, the same upload again). */
    public static void add(String imageId, String scannerId, String slideId, String batchId, Instant addedAt) {
        getEntityManager().createNativeQuery("""
                insert into image_membership (image_id, scanner_id, slide_id, batch_id, added_at)
                values (?1, ?2, ?3, ?4, ?5) on conflict do nothing""")
                .setParameter(1, imageId).setParameter(2, scannerId).setParameter(3, slideId)
                .setParameter(4, batchId).setParameter(5, addedAt)
                .executeUpdate();
    }

    /** The composite key. */
    public static class Key implements Serializable {
        public String imageId;
        public String batchId;
        public String slideId;
        public String scannerId;

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(imageId, k.imageId) && Objects.equals(batchId, k.batchId)
                    && Objects.equals(slideId, k.slideId) && Objects.equals(scannerId, k.scannerId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(imageId, batchId, slideId, scannerId);
        }
    }
}
