package org.bloodcells.results.review;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.bloodcells.events.DetectedCell;
import org.bloodcells.results.review.ReviewedCells.Cell;
import org.bloodcells.results.review.ReviewedCells.Edit;
import org.bloodcells.results.review.ReviewedCells.State;
import org.junit.jupiter.api.Test;

class ReviewedCellsTest {

    private static final List<DetectedCell> MODEL = List.of(new DetectedCell("RBC", 0.9, 0, 0, 10, 10),
            new DetectedCell("WBC", 0.8, 20, 20, 60, 60), new DetectedCell("WBC", 0.4, 70, 70, 90, 90),
            new DetectedCell("Platelets", 0.7, 100, 100, 110, 110));

    /** WBC counted from 0.5, the others from 0.3. */
    private static boolean counted(DetectedCell cell) {
        return cell.score() >= (cell.cellClass().equals("WBC") ? 0.5 : 0.3);
    }

    @Test
    void modelCellsCountAsTheModelCountedThemUntilEdited() {
        List<Cell> cells = ReviewedCells.of(MODEL, ReviewedCellsTest::counted, List.of());
        assertEquals(List.of("m0", "m1", "m2", "m3"), cells.stream().map(Cell::key).toList());
        assertEquals(Map.of("RBC", 1, "WBC", 1, "Platelets", 1), ReviewedCells.counts(cells));
    }

    @Test
    void reclassifiedAndDrawnCellsCountAsTheirNewClassAndDeletedOnesNotAtAll() {
        List<Edit> edits = List.of(new Edit(7, "m1", CellEditAction.RECLASSIFY, "RBC", null),
                new Edit(8, "m3", CellEditAction.DELETE, null, null),
                new Edit(9, null, CellEditAction.ADD, "Platelets", new double[] { 5, 5, 15, 15 }),
                new Edit(10, "m2", CellEditAction.RECLASSIFY, "WBC", null),
                new Edit(11, "d9", CellEditAction.RECLASSIFY, "WBC", null));
        List<Cell> cells = ReviewedCells.of(MODEL, ReviewedCellsTest::counted, edits.subList(0, 3));
        assertEquals(Map.of("RBC", 2, "WBC", 0, "Platelets", 1), ReviewedCells.counts(cells));
        Cell deleted = ReviewedCells.find(cells, "m3").orElseThrow();
        assertEquals(State.DELETED, deleted.state());
        Cell drawn = ReviewedCells.find(cells, "d9").orElseThrow();
        assertEquals(ReviewedCells.Origin.DRAWN, drawn.origin());
        assertEquals(15.0, drawn.x2());

        // A cell the model scored below its count threshold, said to be of its own class, counts.
        List<Cell> all = ReviewedCells.of(MODEL, ReviewedCellsTest::counted, edits);
        assertEquals(Map.of("RBC", 2, "WBC", 2, "Platelets", 0), ReviewedCells.counts(all));
        assertEquals(State.RECLASSIFIED, ReviewedCells.find(all, "m2").orElseThrow().state());
        assertEquals("WBC", ReviewedCells.find(all, "m1").orElseThrow().modelClass(), "the model's class is kept");
        assertEquals(List.of("m0", "m1", "m2", "d9"), ReviewedCells.countedCells(all).stream().map(Cell::key).toList());
    }
}
