package org.bloodcells.results.persistence;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.LockModeType;
import jakarta.persistence.OneToOne;
import jakarta.persistence.Table;

import org.bloodcells.results.service.ImageStatus;
import org.bloodcells.results.service.ReviewStatus;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** An image as the results know it; created by whichever of its events arrives first. */
@Entity
@Table(name = "image")
public class Image extends PanacheEntityBase {

    @Id
    public String imageId;

    @Enumerated(EnumType.STRING)
    public ImageStatus status;

    public String scannerId;
    public String slideId;
    public String batchId;
    public String bucket;
    public String objectKey;
    public String contentType;
    public Long sizeBytes;
    public Instant uploadedAt;

    /** The run whose counts this image reports: the latest by detection time. */
    @OneToOne(fetch = FetchType.LAZY)
    @JoinColumn(name = "current_run_id")
    public DetectionRun currentRun;

    /** What the current run says, kept on the row for lists and aggregates (ResultRecorder keeps it in step). */
    public String modelName;
    public String modelVersion;
    public Instant detectedAt;
    public Integer rbc;
    public Integer wbc;
    public Integer platelets;

    /** Why a person should look at the image's counts; empty when nothing is odd. */
    @JdbcTypeCode(SqlTypes.JSON)
    public List<String> reviewFlags = new ArrayList<>();

    /** The current run's doubt (0 where its worker sent none): the review queue puts the most doubtful first. */
    public double doubt;

    @Enumerated(EnumType.STRING)
    public ReviewStatus reviewStatus = ReviewStatus.NONE;
    public Integer rbcCorrected;
    public Integer wbcCorrected;
    public Integer plateletsCorrected;

    public String failureStage;
    public String failureReason;
    public Instant failedAt;
    public Instant updatedAt;

    /**
     * The image's row, locked for this transaction, created first as PENDING when no event
     * about the image has arrived yet. The insert cannot fail on a concurrent insert of the same
     * image by another consumer: it waits for that one and then does nothing.
     */
    public static Image lockOrCreate(String imageId) {
        getEntityManager()
                .createNativeQuery("insert into image (image_id, status, updated_at) values (:imageId, :status, now())"
                        + " on conflict (image_id) do nothing")
                .setParameter("imageId", imageId)
                .setParameter("status", ImageStatus.PENDING.name())
                .executeUpdate();
        return findById(imageId, LockModeType.PESSIMISTIC_WRITE);
    }
}
