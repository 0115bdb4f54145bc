package org.bloodcells.results.persistence;

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

import org.bloodcells.results.review.CellEditAction;
import org.bloodcells.results.review.ReviewedCells;

import io.quarkus.panache.common.Sort;

/** One edit of one box by an analyst, as it was made: never changed afterwards (migration V7). */
@Entity
@Table(name = "cell_edit")
public class CellEdit extends io.quarkus.hibernate.orm.panache.PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "cell_edit_seq")
    @SequenceGenerator(name = "cell_edit_seq", sequenceName = "cell_edit_seq", allocationSize = 50)
    public Long id;

    public String imageId;
    public Long runId;
    /** The edited cell; null on an ADD, whose cell is {@link #key()}. */
    public String cellKey;

    @Enumerated(EnumType.STRING)
    public CellEditAction action;

    public String classBefore;
    public String classAfter;
    public Double x1;
    public Double y1;
    public Double x2;
    public Double y2;

    public String editedBy;
    public Instant editedAt;
    public String comment;

    /** The run's edits in the order they were made. */
    public static List<CellEdit> ofRun(long runId) {
        return list("runId", Sort.by("id"), runId);
    }

    /** Every edit of the image, on any of its runs, oldest first. */
    public static List<CellEdit> ofImage(String imageId) {
        return list("imageId", Sort.by("id"), imageId);
    }

    /** The cell this edit is about: a drawn cell is named by its ADD's id. */
    public String key() {
        return action == CellEditAction.ADD ? ReviewedCells.drawnKey(id) : cellKey;
    }

    public ReviewedCells.Edit asEdit() {
        return new ReviewedCells.Edit(id, key(), action, classAfter,
                action == CellEditAction.ADD ? new double[] { x1, y1, x2, y2 } : null);
    }
}
