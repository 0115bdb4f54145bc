package org.bloodcells.results.review;

/** What an analyst does to one box. */
public enum CellEditAction {
    /** The cell is of another class (or, said of its own class, counts although the model scored it below). */
    RECLASSIFY,
    /** The box is no cell: it leaves the counts. */
    DELETE,
    /** A cell the model missed, drawn by the analyst. */
    ADD
}
