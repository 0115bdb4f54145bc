package org.bloodcells.results.review;

import java.time.Instant;

import org.bloodcells.results.persistence.CellEdit;

/** One edit of a box as stored: which image, run and cell, what changed, who, when and why. */
public record CellEditRecord(long id, String imageId, long runId, String cell, CellEditAction action,
        String classBefore, String classAfter, CellEditRequest.Box box, String editedBy, Instant editedAt,
        String comment) {

    static CellEditRecord of(CellEdit edit) {
        return new CellEditRecord(edit.id, edit.imageId, edit.runId, edit.key(), edit.action, edit.classBefore,
                edit.classAfter, edit.x1 == null ? null : new CellEditRequest.Box(edit.x1, edit.y1, edit.x2, edit.y2),
                edit.editedBy, edit.editedAt, edit.comment);
    }
}
