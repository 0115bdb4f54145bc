package org.bloodcells.trainer.registry;

import java.time.Instant;
import java.util.List;

import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;

/** One change of a version's status, kept for good (table {@code model_status_change}). */
@Entity
@Table(name = "model_status_change")
public class StatusChange extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "model_status_change_seq")
    @SequenceGenerator(name = "model_status_change_seq", sequenceName = "model_status_change_seq", allocationSize = 50)
    public Long id;

    public Long modelVersionId;

    @Enumerated(EnumType.STRING)
    public ModelStatus fromStatus;

    @Enumerated(EnumType.STRING)
    public ModelStatus toStatus;

    public Instant changedAt;
    public String changedBy;
    public boolean overridden;
    public String reason;

    /** What the gate compared: both versions' figures on the held-back split. */
    @JdbcTypeCode(SqlTypes.JSON)
    public JsonNode figures;

    public static StatusChange record(ModelVersion version, ModelStatus from, String by, String reason,
            boolean overridden, JsonNode figures, Instant at) {
        StatusChange change = new StatusChange();
        change.modelVersionId = version.id;
        change.fromStatus = from;
        change.toStatus = version.status;
        change.changedAt = at;
        change.changedBy = by;
        change.reason = reason;
        change.overridden = overridden;
        change.figures = figures;
        change.persist();
        return change;
    }

    public static List<StatusChange> of(long modelVersionId) {
        return list("modelVersionId = :id", Sort.by("changedAt").and("id"), Parameters.with("id", modelVersionId));
    }
}
