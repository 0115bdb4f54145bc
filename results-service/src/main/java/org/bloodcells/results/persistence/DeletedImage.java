package org.bloodcells.results.persistence;

import java.time.Instant;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** An image deleted by ops (migration V6): events about it from before the deletion are not stored again. */
@Entity
@Table(name = "deleted_image")
public class DeletedImage extends PanacheEntityBase {

    @Id
    public String imageId;
    public Instant deletedAt;
    public String deletedBy;

    /** Whether an event about the image from {@code happenedAt} comes from before its deletion. */
    public static boolean before(String imageId, Instant happenedAt) {
        DeletedImage deleted = findById(imageId);
        return deleted != null && (happenedAt == null || !happenedAt.isAfter(deleted.deletedAt));
    }

    /** Whether the image is deleted (and not uploaded again since). */
    public static boolean isDeleted(String imageId) {
        return findById(imageId) != null;
    }
}
