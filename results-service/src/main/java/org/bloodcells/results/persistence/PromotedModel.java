package org.bloodcells.results.persistence;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** The version a model's last promotion put in force (table {@code promoted_model}). */
@Entity
@Table(name = "promoted_model")
public class PromotedModel extends PanacheEntityBase {

    @Id
    public String modelName;
    public String modelVersion;
    public String sha256;
    public Instant promotedAt;
    public String promotedBy;

    public static Optional<PromotedModel> of(String modelName) {
        return findByIdOptional(modelName);
    }

    public static List<PromotedModel> all() {
        return listAll();
    }
}
