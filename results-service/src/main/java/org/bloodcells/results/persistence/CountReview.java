package org.bloodcells.results.persistence;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;

import org.bloodcells.results.service.ReviewStatus;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import io.quarkus.panache.common.Sort;

/** One review of an image's counts, as it was made: never changed afterwards (the audit trail). */
@Entity
@Table(name = "count_review")
public class CountReview extends io.quarkus.hibernate.orm.panache.PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "count_review_seq")
    @SequenceGenerator(name = "count_review_seq", sequenceName = "count_review_seq", allocationSize = 50)
    public Long id;

    public String imageId;
    /** The run whose counts were reviewed. */
    public Long runId;
    public String modelName;
    public String modelVersion;

    /** CONFIRMED or CORRECTED. */
    @Enumerated(EnumType.STRING)
    public ReviewStatus action;

    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Integer> modelCounts;
    /** What the image reported before this review. */
    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Integer> beforeCounts;
    /** What it reports after. */
    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Integer> afterCounts;

    public String comment;
    public String reviewedBy;
    public Instant reviewedAt;

    public static List<CountReview> ofImage(String imageId) {
        return list("imageId", Sort.by("reviewedAt").and("id"), imageId);
    }
}
