package org.bloodcells.trainer.registry;

import java.time.Instant;
import java.util.Optional;

import jakarta.persistence.Entity;
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

/** A version's figures on a held-back split, by the workers' own detection core (table {@code model_evaluation}). */
@Entity
@Table(name = "model_evaluation")
public class ModelEvaluation extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "model_evaluation_seq")
    @SequenceGenerator(name = "model_evaluation_seq", sequenceName = "model_evaluation_seq", allocationSize = 50)
    public Long id;

    public Long modelVersionId;
    public String dataset;
    public String split;
    public String splitFingerprint;
    public int images;
    public double ap50;
    public double ap;

    /** model-eval's evaluation summary: per-class AP, count errors, the settings it ran with. */
    @JdbcTypeCode(SqlTypes.JSON)
    public JsonNode metrics;

    public Instant evaluatedAt;

    public static Optional<ModelEvaluation> of(long modelVersionId, String splitFingerprint) {
        return find("modelVersionId = :id and splitFingerprint = :fingerprint",
                Parameters.with("id", modelVersionId).and("fingerprint", splitFingerprint)).firstResultOptional();
    }
}
