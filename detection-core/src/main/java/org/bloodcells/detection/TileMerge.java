package org.bloodcells.detection;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One image's detections from its model outputs: each tile's post-processed ({@link PostProcessor}), moved to image
 * pixels, each cell kept from the tile whose core holds it ({@link TilePlan}), best first.
 */
final class TileMerge {

    /**
     * Neighbouring tiles may both find a cell near their shared core edge: same-class boxes overlapping this much
     * are one cell.
     */
    static final double CROSS_TILE_IOU = 0.6;

    private final PostProcessor postProcessor;
    private final List<Flip> views;
    private final List<String> classes;

    TileMerge(PostProcessor postProcessor, List<Flip> views, List<String> classes) {
        this.postProcessor = postProcessor;
        this.views = List.copyOf(views);
        this.classes = List.copyOf(classes);
    }

    /**
     * @param tiles  the image's tiles in the order they ran, each run as one block per view
     * @param blocks the candidates of each output block, {@code tiles × views} of them in that order
     */
    List<Detection> detections(List<PreparedImage.Placed> tiles, List<Candidates> blocks) {
        if (tiles.size() == 1) {
            return postProcessor.detections(blocks, views, tiles.get(0).letterbox());
        }
        List<Detection> all = new ArrayList<>();
        for (int t = 0; t < tiles.size(); t++) {
            PreparedImage.Placed placed = tiles.get(t);
            TilePlan.Tile tile = placed.tile();
            for (Detection d : postProcessor.detections(blocks.subList(t * views.size(), (t + 1) * views.size()),
                    views, placed.letterbox())) {
                Detection moved = new Detection(d.cellClass(), d.score(), d.x1() + tile.x(), d.y1() + tile.y(),
                        d.x2() + tile.x(), d.y2() + tile.y());
                if (tile.holds(moved)) {
                    all.add(moved);
                }
            }
        }
        all.sort(Comparator.comparing(Detection::score).reversed());
        // A cell near a core edge may come out of both tiles, its two boxes' centres a pixel apart on either side:
        // per class, greedy NMS keeps the better-scored one.
        List<Detection> kept = new ArrayList<>(all.size());
        for (String cls : classes) {
            List<Detection> ofClass = all.stream().filter(d -> d.cellClass().equals(cls)).toList();
            float[] corners = new float[ofClass.size() * 4];
            for (int i = 0; i < ofClass.size(); i++) {
                Detection d = ofClass.get(i);
                System.arraycopy(new float[] {d.x1(), d.y1(), d.x2(), d.y2()}, 0, corners, i * 4, 4);
            }
            for (int i : NonMaxSuppression.select(corners, ofClass.size(), CROSS_TILE_IOU, ofClass.size())) {
                kept.add(ofClass.get(i));
            }
        }
        kept.sort(Comparator.comparing(Detection::score).reversed());
        return kept;
    }
}
