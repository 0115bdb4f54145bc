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
    public boolean before(Instant happenedAt) {
        return happenedAt == null || !happenedAt.isAfter(deletedAt);
    }

    /** Whether the image is deleted (and not uploaded again since). */
    public static boolean isDeleted(String imageId) {
        return findById(imageId) != null;
    }
}
