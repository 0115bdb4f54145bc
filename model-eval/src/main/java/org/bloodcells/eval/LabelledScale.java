package org.bloodcells.eval;

import java.util.List;

/**
 * A dataset's physical scale from its labels: a typical red cell is {@value #RBC_MICRONS} µm across (7–8 µm), so
 * microns per pixel are that over the median labelled red cell's diameter (mean of box width and height), leaving
 * out boxes cut by the image's edge.
 */
public final class LabelledScale {

    public static final double RBC_MICRONS = 7.5;
    public static final String REFERENCE_CLASS = "RBC";

    private LabelledScale() {
    }

    /** The median diameter in pixels of the whole labelled reference cells. */
    public static double medianDiameter(List<AnnotatedImage> images) {
        double[] d = images.stream().flatMap(i -> i.boxes().stream()
                .filter(b -> b.cellClass().equals(REFERENCE_CLASS))
                .filter(b -> b.x1() > 1 && b.y1() > 1 && b.x2() < i.width() - 1 && b.y2() < i.height() - 1))
                .mapToDouble(b -> (b.x2() - b.x1() + b.y2() - b.y1()) / 2.0).sorted().toArray();
        if (d.length == 0) {
            throw new IllegalArgumentException("no whole " + REFERENCE_CLASS + " labelled to measure the scale by");
        }
        return d.length % 2 == 1 ? d[d.length / 2] : (d[d.length / 2 - 1] + d[d.length / 2]) / 2;
    }

    public static double micronsPerPixel(List<AnnotatedImage> images) {
        return RBC_MICRONS / medianDiameter(images);
    }
}
