package org.bloodcells.eval;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Abnormal red cells made from a field's normal ones, for want of a labelled slide with them: each labelled red cell
 * is cut out with a soft elliptical mask around its box, stretched 1.5 to 3 times as long as wide along a random axis
 * (its area kept), bent into an arc as a sickle cell is, recoloured within the stain's range (its haematoxylin and
 * eosin amounts scaled as the stain transform scales them) and pasted back at its centre, in box order. The round
 * originals are first painted over with the field's background, so none shows beside its deformed copy; white cells
 * and platelets are drawn on top, their boxes' pixels as they were. Red cells stay red cells: their new boxes are the
 * deformed cells' bounds, still RBC.
 */
public final class DeformedRedCells {

    static final String RED_CELL = "RBC";
    static final double MIN_STRETCH = 1.5;
    static final double MAX_STRETCH = 3;
    /** How far the cell's ends sit off its middle, across it, as a share of its half-length. */
    static final double MIN_BEND = 0.15;
    static final double MAX_BEND = 0.6;
    /** The stain amounts' range, as the trainer's HED jitter draws them (trainer/python/efficientdet/data.py). */
    static final double MIN_GAIN = 0.7;
    static final double MAX_GAIN = 1.3;
    // The mask in units of the box's inscribed ellipse: the cell whole up to CORE, fading out by EDGE so the
    // background around it blends in without carrying much of its neighbours along.
    private static final double CORE = 0.95;
    private static final double EDGE = 1.15;
    private static final long SEED = 24;

    /** One cell's deformation. */
    record Shape(double stretch, double angle, double bend, double haematoxylin, double eosin) {

        static Shape draw(Random rng) {
            return new Shape(uniform(rng, MIN_STRETCH, MAX_STRETCH), uniform(rng, 0, 2 * Math.PI),
                    uniform(rng, MIN_BEND, MAX_BEND), uniform(rng, MIN_GAIN, MAX_GAIN),
                    uniform(rng, MIN_GAIN, MAX_GAIN));
        }
    }

    private DeformedRedCells() {
    }

    /** The benchmark's deformation of a field: seeded by its boxes, so each field has its own and every run the same. */
    static ImageTransforms.Transformed deform(BufferedImage image, List<GroundTruthBox> boxes) {
        long seed = SEED;
        for (GroundTruthBox b : boxes) {
            seed = 31 * seed + b.cellClass().hashCode();
            for (float v : new float[] {b.x1(), b.y1(), b.x2(), b.y2()}) {
                seed = 31 * seed + Float.floatToIntBits(v);
            }
        }
        return deform(image, boxes, new Random(seed));
    }

    /** Every red cell of the field deformed with shapes drawn from {@code rng}, in box order. */
    public static ImageTransforms.Transformed deform(BufferedImage image, List<GroundTruthBox> boxes, Random rng) {
        List<Shape> shapes = new ArrayList<>();
        for (GroundTruthBox b : boxes) {
            shapes.add(RED_CELL.equals(b.cellClass()) ? Shape.draw(rng) : null);
        }
        return deform(image, boxes, shapes, rng);
    }

    /** @param shapes per box, its deformation, null for a cell left as it is */
    static ImageTransforms.Transformed deform(BufferedImage image, List<GroundTruthBox> boxes, List<Shape> shapes,
            Random rng) {
        int w = image.getWidth();
        int h = image.getHeight();
        double[][] original = ImageTransforms.channels(image);
        double[][] out = {original[0].clone(), original[1].clone(), original[2].clone()};
        double[][] background = background(original, w, h, boxes);
        for (int i = 0; i < boxes.size(); i++) {
            if (shapes.get(i) != null) {
                erase(out, w, h, new Ellipse(boxes.get(i)), background, rng);
            }
        }
        List<GroundTruthBox> moved = new ArrayList<>();
        for (int i = 0; i < boxes.size(); i++) {
            GroundTruthBox b = boxes.get(i);
            Shape s = shapes.get(i);
            if (s == null) {
                moved.add(b);
                continue;
            }
            Ellipse cell = new Ellipse(b);
            paste(out, w, h, image, cell, s);
            double[] bounds = cell.deformedBounds(s, 1);
            float x1 = (float) Math.max(0, bounds[0] + 0.5);
            float y1 = (float) Math.max(0, bounds[1] + 0.5);
            float x2 = (float) Math.min(w, bounds[2] + 0.5);
            float y2 = (float) Math.min(h, bounds[3] + 0.5);
            if (x2 > x1 && y2 > y1) {
                moved.add(new GroundTruthBox(RED_CELL, x1, y1, x2, y2));
            }
        }
        for (int i = 0; i < boxes.size(); i++) {
            if (shapes.get(i) == null) {
                restore(out, original, w, h, boxes.get(i));
            }
        }
        return new ImageTransforms.Transformed(ImageTransforms.image(out, w, h), moved, 1);
    }

    /**
     * A box's inscribed ellipse in pixel-index coordinates (pixel centres at integers), and what a shape makes of it.
     */
    private record Ellipse(double cx, double cy, double a, double b) {

        Ellipse(GroundTruthBox box) {
            this((box.x1() + box.x2()) / 2.0 - 0.5, (box.y1() + box.y2()) / 2.0 - 0.5,
                    Math.max(1, (box.x2() - box.x1()) / 2.0), Math.max(1, (box.y2() - box.y1()) / 2.0));
        }

        /** Where (dx, dy) from the centre lies against the ellipse: 1 on it, below 1 inside. */
        double radius(double dx, double dy) {
            return Math.hypot(dx / a, dy / b);
        }

        /** The cell's half-length along the shape's axis once stretched: the arc's scale. */
        double halfLength(Shape s) {
            double c = Math.cos(s.angle());
            double n = Math.sin(s.angle());
            return Math.sqrt(s.stretch()) / Math.hypot(c / a, n / b);
        }

        /** The deformed point of the original offset (dx, dy): stretched along the axis, squeezed across, bent. */
        double[] forward(Shape s, double dx, double dy) {
            double c = Math.cos(s.angle());
            double n = Math.sin(s.angle());
            double root = Math.sqrt(s.stretch());
            double u = (dx * c + dy * n) * root;
            double v = (-dx * n + dy * c) / root;
            double l = halfLength(s);
            v += s.bend() * (u * u / l - l / 2);
            return new double[] {u * c - v * n, u * n + v * c};
        }

        /** The original offset that the deformation carries to (dx, dy): {@link #forward} undone. */
        double[] inverse(Shape s, double dx, double dy) {
            double c = Math.cos(s.angle());
            double n = Math.sin(s.angle());
            double root = Math.sqrt(s.stretch());
            double u = dx * c + dy * n;
            double l = halfLength(s);
            double v = -dx * n + dy * c - s.bend() * (u * u / l - l / 2);
            u /= root;
            v *= root;
            return new double[] {u * c - v * n, u * n + v * c};
        }

        /** x1, y1, x2, y2 (pixel centres) of the deformed ellipse scaled by {@code by}. */
        double[] deformedBounds(Shape s, double by) {
            double[] bounds = {Double.MAX_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE, -Double.MAX_VALUE};
            for (int k = 0; k < 180; k++) {
                double t = 2 * Math.PI * k / 180;
                double[] p = forward(s, by * a * Math.cos(t), by * b * Math.sin(t));
                bounds[0] = Math.min(bounds[0], cx + p[0]);
                bounds[1] = Math.min(bounds[1], cy + p[1]);
                bounds[2] = Math.max(bounds[2], cx + p[0]);
                bounds[3] = Math.max(bounds[3], cy + p[1]);
            }
            return bounds;
        }
    }

    /** The mask's weight at this ellipse radius: 1 inside the cell, fading smoothly to 0 at the edge. */
    private static double mask(double radius) {
        if (radius <= CORE) {
            return 1;
        }
        if (radius >= EDGE) {
            return 0;
        }
        double t = (EDGE - radius) / (EDGE - CORE);
        return t * t * (3 - 2 * t);
    }

    /** The cell painted over with the field's background: its mean colour with its grain. */
    private static void erase(double[][] out, int w, int h, Ellipse cell, double[][] background, Random rng) {
        int x0 = Math.max(0, (int) Math.floor(cell.cx() - EDGE * cell.a()));
        int x1 = Math.min(w - 1, (int) Math.ceil(cell.cx() + EDGE * cell.a()));
        int y0 = Math.max(0, (int) Math.floor(cell.cy() - EDGE * cell.b()));
        int y1 = Math.min(h - 1, (int) Math.ceil(cell.cy() + EDGE * cell.b()));
        for (int y = y0; y <= y1; y++) {
            for (int x = x0; x <= x1; x++) {
                double m = mask(cell.radius(x - cell.cx(), y - cell.cy()));
                if (m > 0) {
                    double grain = rng.nextGaussian();
                    for (int c = 0; c < 3; c++) {
                        double paint = background[0][c] + grain * background[1][c];
                        out[c][y * w + x] = m * paint + (1 - m) * out[c][y * w + x];
                    }
                }
            }
        }
    }

    /** The cell cut from the original field, recoloured, deformed and blended over {@code out}. */
    private static void paste(double[][] out, int w, int h, BufferedImage image, Ellipse cell, Shape s) {
        int px0 = Math.max(0, (int) Math.floor(cell.cx() - EDGE * cell.a()) - 1);
        int px1 = Math.min(w - 1, (int) Math.ceil(cell.cx() + EDGE * cell.a()) + 1);
        int py0 = Math.max(0, (int) Math.floor(cell.cy() - EDGE * cell.b()) - 1);
        int py1 = Math.min(h - 1, (int) Math.ceil(cell.cy() + EDGE * cell.b()) + 1);
        int pw = px1 - px0 + 1;
        int ph = py1 - py0 + 1;
        if (pw < 2 || ph < 2) {
            return;
        }
        double[][] patch = ImageTransforms.channels(ImageTransforms.stain(image.getSubimage(px0, py0, pw, ph),
                s.haematoxylin(), s.eosin()));
        double[] bounds = cell.deformedBounds(s, EDGE);
        int x0 = Math.max(0, (int) Math.floor(bounds[0]));
        int x1 = Math.min(w - 1, (int) Math.ceil(bounds[2]));
        int y0 = Math.max(0, (int) Math.floor(bounds[1]));
        int y1 = Math.min(h - 1, (int) Math.ceil(bounds[3]));
        for (int y = y0; y <= y1; y++) {
            for (int x = x0; x <= x1; x++) {
                double[] o = cell.inverse(s, x - cell.cx(), y - cell.cy());
                double m = mask(cell.radius(o[0], o[1]));
                double sx = cell.cx() + o[0] - px0;
                double sy = cell.cy() + o[1] - py0;
                if (m <= 0 || sx < 0 || sy < 0 || sx > pw - 1 || sy > ph - 1) {
                    continue;
                }
                for (int c = 0; c < 3; c++) {
                    out[c][y * w + x] = m * bilinear(patch[c], pw, ph, sx, sy) + (1 - m) * out[c][y * w + x];
                }
            }
        }
    }

    private static double bilinear(double[] channel, int w, int h, double x, double y) {
        int x0 = Math.min(w - 2, (int) x);
        int y0 = Math.min(h - 2, (int) y);
        double fx = x - x0;
        double fy = y - y0;
        return (1 - fy) * ((1 - fx) * channel[y0 * w + x0] + fx * channel[y0 * w + x0 + 1])
                + fy * ((1 - fx) * channel[(y0 + 1) * w + x0] + fx * channel[(y0 + 1) * w + x0 + 1]);
    }

    /** A cell that is no red cell, drawn on top as it was: every pixel of its box. */
    private static void restore(double[][] out, double[][] original, int w, int h, GroundTruthBox box) {
        int x0 = Math.max(0, (int) Math.floor(box.x1()));
        int x1 = Math.min(w, (int) Math.ceil(box.x2()));
        int y0 = Math.max(0, (int) Math.floor(box.y1()));
        int y1 = Math.min(h, (int) Math.ceil(box.y2()));
        for (int c = 0; c < 3; c++) {
            for (int y = y0; y < y1; y++) {
                System.arraycopy(original[c], y * w + x0, out[c], y * w + x0, Math.max(0, x1 - x0));
            }
        }
    }

    /**
     * The field's background, per channel its mean and standard deviation: the brighter half of the pixels outside
     * every box (plasma, not an unlabelled cell), or of the brightest quarter of the field where boxes cover it.
     */
    private static double[][] background(double[][] rgb, int w, int h, List<GroundTruthBox> boxes) {
        boolean[] covered = new boolean[w * h];
        for (GroundTruthBox b : boxes) {
            for (int y = Math.max(0, (int) b.y1()); y < Math.min(h, (int) Math.ceil(b.y2())); y++) {
                Arrays.fill(covered, y * w + Math.max(0, (int) b.x1()), y * w + Math.max(Math.max(0, (int) b.x1()),
                        Math.min(w, (int) Math.ceil(b.x2()))), true);
            }
        }
        List<Integer> free = new ArrayList<>();
        for (int p = 0; p < w * h; p += 3) {
            if (!covered[p]) {
                free.add(p);
            }
        }
        double share = 0.5;
        if (free.size() < 100) {
            free.clear();
            for (int p = 0; p < w * h; p += 3) {
                free.add(p);
            }
            share = 0.25;
        }
        free.sort((p, q) -> Double.compare(rgb[0][q] + rgb[1][q] + rgb[2][q], rgb[0][p] + rgb[1][p] + rgb[2][p]));
        List<Integer> bright = free.subList(0, Math.max(1, (int) (free.size() * share)));
        double[][] stats = new double[2][3];
        for (int c = 0; c < 3; c++) {
            double sum = 0;
            double squares = 0;
            for (int p : bright) {
                sum += rgb[c][p];
                squares += rgb[c][p] * rgb[c][p];
            }
            stats[0][c] = sum / bright.size();
            stats[1][c] = Math.sqrt(Math.max(0, squares / bright.size() - stats[0][c] * stats[0][c]));
        }
        return stats;
    }

    private static double uniform(Random rng, double low, double high) {
        return low + (high - low) * rng.nextDouble();
    }
}
