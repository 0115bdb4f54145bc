package org.bloodcells.detection;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts an image resampled by {@code factor} into tiles of the model's square input: an image that fits is one tile
 * (padded); a larger one is covered by overlapping tiles spread evenly, and each tile keeps only the detections whose
 * centre lies in its core, the part of it closer to it than to its neighbours. With an overlap at least the largest
 * cell's diameter, a cell cut by one tile's edge has its centre in the core of the tile that holds it whole, so every
 * cell is found once and whole.
 */
final class TilePlan {

    /** One tile, in image pixels: its region and its core (left and top inclusive, right and bottom exclusive). */
    record Tile(int x, int y, int width, int height, double coreX1, double coreY1, double coreX2, double coreY2) {

        boolean holds(Detection d) {
            double cx = (d.x1() + d.x2()) / 2;
            double cy = (d.y1() + d.y2()) / 2;
            return cx >= coreX1 && cx < coreX2 && cy >= coreY1 && cy < coreY2;
        }
    }

    private TilePlan() {
    }

    /**
     * @param factor  model input pixels per image pixel
     * @param overlap image pixels neighbouring tiles share; cut down to half a tile where the tile is smaller
     */
    static List<Tile> plan(int width, int height, double factor, int inputSize, int overlap) {
        if (width < 1 || height < 1 || !(factor > 0)) {
            throw new IllegalArgumentException("cannot tile a " + width + "x" + height + " image at " + factor);
        }
        // The image pixels one input holds: rint(side × factor) must stay within the input.
        int side = Math.max(1, (int) Math.floor(inputSize / factor));
        while (side > 1 && Math.rint(side * factor) > inputSize) {
            side--;
        }
        int shared = Math.min(Math.max(0, overlap), side / 2);
        List<int[]> xs = spans(width, side, shared);
        List<int[]> ys = spans(height, side, shared);
        List<Tile> tiles = new ArrayList<>(xs.size() * ys.size());
        for (int[] y : ys) {
            for (int[] x : xs) {
                tiles.add(new Tile(x[0], y[0], x[1], y[1], x[2], y[2], x[3], y[3]));
            }
        }
        return tiles;
    }

    /** Start, length, core start and core end of each span covering {@code 0..length}. */
    private static List<int[]> spans(int length, int side, int overlap) {
        if (length <= side) {
            return List.of(new int[] {0, length, Integer.MIN_VALUE, Integer.MAX_VALUE});
        }
        int n = (int) Math.ceil((double) (length - overlap) / (side - overlap));
        int[] starts = new int[n];
        for (int i = 0; i < n; i++) {
            starts[i] = (int) Math.round((double) i * (length - side) / (n - 1));
        }
        List<int[]> spans = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int from = i == 0 ? Integer.MIN_VALUE : (starts[i] + starts[i - 1] + side) / 2;
            int to = i == n - 1 ? Integer.MAX_VALUE : (starts[i + 1] + starts[i] + side) / 2;
            spans.add(new int[] {starts[i], side, from, to});
        }
        return spans;
    }
}
