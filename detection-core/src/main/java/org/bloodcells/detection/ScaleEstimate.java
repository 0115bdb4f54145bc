package org.bloodcells.detection;

import java.util.List;

/**
 * An image's scale measured from its cells: the median diameter (mean of width and height) of the confidently found
 * cells of the model's reference class (red cells, about 7.5 µm), leaving out those cut by the image's edge.
 */
final class ScaleEstimate {

    /** A cell within this many pixels of the image's edge may be cut by it. */
    static final int EDGE = 2;
    /** Confident cells of the reference class needed to estimate a scale. */
    static final int MIN_REFERENCE_CELLS = 3;

    private ScaleEstimate() {
    }

    /** Microns per image pixel, or NaN when fewer than {@link #MIN_REFERENCE_CELLS} cells tell it. */
    static double micronsPerPixel(List<Detection> detections, ModelDomain domain, int width, int height) {
        if (!domain.hasScale()) {
            return Double.NaN;
        }
        double[] diameters = detections.stream()
                .filter(d -> d.cellClass().equals(domain.referenceClass()) && d.score() >= ModelDomain.CONFIDENT)
                .filter(d -> d.x1() >= EDGE && d.y1() >= EDGE && d.x2() <= width - EDGE && d.y2() <= height - EDGE)
                .mapToDouble(d -> (d.width() + d.height()) / 2.0).sorted().toArray();
        if (diameters.length < MIN_REFERENCE_CELLS) {
            return Double.NaN;
        }
        int n = diameters.length;
        double median = n % 2 == 1 ? diameters[n / 2] : (diameters[n / 2 - 1] + diameters[n / 2]) / 2;
        return domain.referenceMicrons() / median;
    }
}
