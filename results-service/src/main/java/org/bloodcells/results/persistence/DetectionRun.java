package org.bloodcells.results.persistence;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.MapKeyColumn;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;

import org.bloodcells.events.DetectedCell;
import org.bloodcells.events.Thresholds;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.quarkus.panache.common.Parameters;

/** One model run over one image: boxes as JSON (only ever read whole), counts as rows (summed by queries). */
@Entity
@Table(name = "detection_run")
public class DetectionRun extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "detection_run_seq")
    @SequenceGenerator(name = "detection_run_seq", sequenceName = "detection_run_seq", allocationSize = 50)
    public Long id;

    public String imageId;
    public String modelName;
    public String modelVersion;
    public int imageWidth;
    public int imageHeight;

    @JdbcTypeCode(SqlTypes.JSON)
    public List<DetectedCell> cells;

    @ElementCollection(fetch = FetchType.EAGER)
    @CollectionTable(name = "cell_count", joinColumns = @JoinColumn(name = "run_id"))
    @MapKeyColumn(name = "cell_class")
    @Column(name = "cell_count")
    public Map<String, Integer> counts = new LinkedHashMap<>();

    public long inferenceMillis;

    /** Microns per pixel the worker ran the image at; null when unknown. */
    public Double micronsPerPixel;
    /** DECLARED, SCANNER, FILE, ESTIMATED or UNKNOWN; null for runs from workers before physical scale. */
    public String scaleSource;
    public int tiles = 1;

    /** Why the image is unlike the model's training images; empty when it is not. */
    @JdbcTypeCode(SqlTypes.JSON)
    public List<String> outOfDistribution = new ArrayList<>();

    /** How likely the counts are wrong, 0..1, as the worker judged; null from workers before it was sent. */
    public Double doubt;
    /** The post-processing the boxes came from (CellDetections.thresholds); null for runs from older workers. */
    public Double scoreThreshold;
    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Double> countThresholds;
    public String postProcessing;

    /**
     * Why a person should look at this run's counts (ReviewFlags), as judged when it was stored; its image reports
     * them while the run is its current one.
     */
    @JdbcTypeCode(SqlTypes.JSON)
    public List<String> reviewFlags = new ArrayList<>();

    public String workerId;
    public Instant detectedAt;
    public Instant receivedAt;

    /** The post-processing behind the boxes; null for runs from workers that did not send it. */
    public Thresholds thresholds() {
        return scoreThreshold == null ? null : new Thresholds(scoreThreshold, countThresholds, postProcessing);
    }

    /** Whether a box is in the counts: at or above its class's count threshold (every box, for older runs). */
    public boolean counted(DetectedCell cell) {
        Thresholds thresholds = thresholds();
        return thresholds == null || thresholds.counts(cell.cellClass(), cell.score());
    }

    /** Whether a run of this model version is already stored for the image. */
    public static boolean exists(String imageId, String modelName, String modelVersion) {
        return count("imageId = :imageId and modelName = :modelName and modelVersion = :modelVersion",
                Parameters.with("imageId", imageId)
                        .and("modelName", modelName)
                        .and("modelVersion", modelVersion)) > 0;
    }
}
