package org.bloodcells.trainer.registry;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.LockModeType;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;

import org.bloodcells.events.ModelRef;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;

/** One registered version of a model (table {@code model_version}). */
@Entity
@Table(name = "model_version")
public class ModelVersion extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "model_version_seq")
    @SequenceGenerator(name = "model_version_seq", sequenceName = "model_version_seq", allocationSize = 50)
    public Long id;

    public String name;
    public String version;
    public String parentVersion;

    @Enumerated(EnumType.STRING)
    public ModelStatus status;

    public String bucket;
    public String objectKey;
    public String sha256;
    public long sizeBytes;

    @JdbcTypeCode(SqlTypes.JSON)
    public List<String> classes;

    public int inputSize;
    public String dataset;
    public String datasetFingerprint;
    public String trainingCommand;

    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> trainingSettings;

    /** Where the version came from: {@code released models/<file>} or {@code training run <id>}. */
    public String origin;
    public Instant createdAt;
    public String createdBy;
    public Instant statusChangedAt;
    public String statusChangedBy;

    public ModelRef ref() {
        return new ModelRef(name, version, bucket, objectKey, sha256);
    }

    public static Optional<ModelVersion> byName(String name, String version) {
        return find("name = :name and version = :version", Parameters.with("name", name).and("version", version))
                .firstResultOptional();
    }

    /** The version, locked for this transaction: promotions of one model happen one at a time. */
    public static Optional<ModelVersion> lock(String name, String version) {
        return find("name = :name and version = :version", Parameters.with("name", name).and("version", version))
                .withLock(LockModeType.PESSIMISTIC_WRITE).firstResultOptional();
    }

    public static Optional<ModelVersion> promoted(String name) {
        return find("name = :name and status = :status", Parameters.with("name", name).and("status", ModelStatus.PROMOTED))
                .firstResultOptional();
    }

    public static List<ModelVersion> all() {
        return listAll(Sort.by("name").and("createdAt").and("id"));
    }
}
