package org.bloodcells.trainer.training;

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

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;

/** One training run (table {@code training_run}): what was asked, how far it got, its log and its candidate. */
@Entity
@Table(name = "training_run")
public class TrainingRun extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "training_run_seq")
    @SequenceGenerator(name = "training_run_seq", sequenceName = "training_run_seq", allocationSize = 50)
    public Long id;

    @Enumerated(EnumType.STRING)
    public TrainingStatus status;

    public String dataset;
    public String baseVersion;

    @JdbcTypeCode(SqlTypes.JSON)
    public TrainingRequest settings;

    public String command;
    public String replica;

    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> progress;

    public String log;
    public String modelName;
    public String modelVersion;
    public String error;
    public Instant startedAt;
    public Instant finishedAt;
    public String startedBy;

    public static List<TrainingRun> recent() {
        return find("", Sort.by("startedAt").descending().and("id", Sort.Direction.Descending)).page(0, 100).list();
    }

    /** Runs a replica left RUNNING when it stopped. */
    public static List<TrainingRun> runningOn(String replica) {
        return list("status = :status and replica = :replica",
                Parameters.with("status", TrainingStatus.RUNNING).and("replica", replica));
    }
}
