package org.bloodcells.results.review;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

import org.bloodcells.events.DetectedCell;
import org.bloodcells.results.service.CellClass;

/**
 * An image's cells as analysts left them: its run's cells with that run's edits applied in the order they were
 * made. The model's cells are never changed; this is what counts, what the gallery shows, what a dataset exports and
 * what a slide report reads.
 *
 * <p>A model cell nobody edited counts as the model counted it: at or above its class's count threshold as stored
 * on the run ({@code counted}). A reclassified cell counts as its new class, a drawn cell as its class, a deleted
 * cell not at all (it stays in the list, marked DELETED, so that its history can be shown).
 */
public final class ReviewedCells {

    private ReviewedCells() {
    }

    /** Where a cell comes from. */
    public enum Origin {
        MODEL, DRAWN
    }

    /** What analysts did to it; UNCHANGED for a model cell nobody edited. */
    public enum State {
        UNCHANGED, RECLASSIFIED, ADDED, DELETED
    }

    /**
     * One cell as reviewed.
     *
     * @param key        stable within the run: {@code m<index>} for the model's cell at that index of the run's
     *                   cells, {@code d<edit id>} for a drawn cell
     * @param cellClass  its class now
     * @param modelClass the model's class; null for a drawn cell
     * @param score      the model's score; null for a drawn cell
     * @param counted    whether it is in the reviewed counts
     */
    public record Cell(String key, String cellClass, String modelClass, Double score, double x1, double y1, double x2,
            double y2, Origin origin, State state, boolean counted) {

        Cell edited(String newClass, State newState, boolean nowCounted) {
            return new Cell(key, newClass, modelClass, score, x1, y1, x2, y2, origin, newState, nowCounted);
        }
    }

    /**
     * One edit as stored (see the cell_edit table).
     *
     * @param classAfter the new class of RECLASSIFY and ADD
     * @param box        x1, y1, x2, y2 of ADD; null otherwise
     */
    public record Edit(long id, String cellKey, CellEditAction action, String classAfter, double[] box) {
    }

    public static String modelKey(int index) {
        return "m" + index;
    }

    public static String drawnKey(long editId) {
        return "d" + editId;
    }

    /** The run's cells with its edits applied in the given order (oldest first). */
    public static List<Cell> of(List<DetectedCell> modelCells, Predicate<DetectedCell> counted, List<Edit> edits) {
        Map<String, Cell> cells = new LinkedHashMap<>();
        for (int i = 0; i < modelCells.size(); i++) {
            DetectedCell c = modelCells.get(i);
            cells.put(modelKey(i), new Cell(modelKey(i), c.cellClass(), c.cellClass(), c.score(), c.x1(), c.y1(),
                    c.x2(), c.y2(), Origin.MODEL, State.UNCHANGED, counted.test(c)));
        }
        for (Edit edit : edits) {
            switch (edit.action()) {
                case ADD -> {
                    String key = drawnKey(edit.id());
                    cells.put(key, new Cell(key, edit.classAfter(), null, null, edit.box()[0], edit.box()[1],
                            edit.box()[2], edit.box()[3], Origin.DRAWN, State.ADDED, true));
                }
                case RECLASSIFY -> cells.computeIfPresent(edit.cellKey(), (k, c) -> c.edited(edit.classAfter(),
                        c.origin() == Origin.DRAWN ? State.ADDED : State.RECLASSIFIED, true));
                case DELETE -> cells.computeIfPresent(edit.cellKey(),
                        (k, c) -> c.edited(c.cellClass(), State.DELETED, false));
            }
        }
        return List.copyOf(cells.values());
    }

    /** Per class label (every platform class, 0 where none), the counted cells. */
    public static Map<String, Integer> counts(List<Cell> cells) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (CellClass c : CellClass.values()) {
            counts.put(c.label(), 0);
        }
        for (Cell cell : cells) {
            if (cell.counted()) {
                CellClass.named(cell.cellClass()).ifPresent(c -> counts.merge(c.label(), 1, Integer::sum));
            }
        }
        return counts;
    }

    /** The counted cells: what the image holds as reviewed, e.g. a dataset's objects. */
    public static List<Cell> countedCells(List<Cell> cells) {
        List<Cell> counted = new ArrayList<>();
        for (Cell cell : cells) {
            if (cell.counted()) {
                counted.add(cell);
            }
        }
        return counted;
    }

    public static Optional<Cell> find(List<Cell> cells, String key) {
        return cells.stream().filter(c -> c.key().equals(key)).findFirst();
    }
}
