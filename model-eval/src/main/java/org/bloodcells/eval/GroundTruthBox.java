package org.bloodcells.eval;

/**
 * One annotated cell, in original image pixels as the annotation gives them.
 */
public record GroundTruthBox(String cellClass, float x1, float y1, float x2, float y2) {

    /** Width × height, the area COCO's small/medium/large ranges use. */
    public double area() {
        return (double) (x2 - x1) * (y2 - y1);
    }
}
