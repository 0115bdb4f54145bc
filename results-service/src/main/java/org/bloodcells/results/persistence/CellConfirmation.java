package org.bloodcells.results.persistence;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import io.quarkus.panache.common.Sort;

/** A person's word that a run's reviewed cells, as they stood after its edits up to {@link #lastEditId}, are right. */
@Entity
@Table(name = "cell_confirmation")
public class CellConfirmation extends io.quarkus.hibernate.orm.panache.PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "cell_confirmation_seq")
    @SequenceGenerator(name = "cell_confirmation_seq", sequenceName = "cell_confirmation_seq", allocationSize = 50)
    public Long id;

    public String imageId;
    public Long runId;
    /** The run's latest edit when confirmed; null when it had none. */
    public Long lastEditId;

    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Integer> counts;

    public String confirmedBy;
    public Instant confirmedAt;
    public String comment;

    /** The run's latest confirmation. */
    public static Optional<CellConfirmation> latestOfRun(long runId) {
        return find("runId", Sort.by("id").descending(), runId).firstResultOptional();
    }
}
