package org.bloodcells.eval;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;

import org.bloodcells.detection.Detection;

/** An image twice, side by side: ground truth on the left, the model's detections on the right. */
public final class ComparisonPicture {

    private static final Color[] PALETTE = {new Color(230, 40, 40), new Color(30, 90, 240), new Color(20, 170, 60),
            new Color(240, 150, 0), new Color(190, 40, 200), new Color(0, 170, 190)};
    private static final int GAP = 12;
    private static final int HEADER = 30;

    private ComparisonPicture() {
    }

    /** The colour boxes of a class get: a fixed palette in class order. */
    public static Color colour(List<String> classes, String cellClass) {
        int index = classes.indexOf(cellClass);
        return PALETTE[Math.floorMod(index < 0 ? cellClass.hashCode() : index, PALETTE.length)];
    }

    /**
     * @param shownScore detections scoring below this are left out of the right panel
     */
    public static BufferedImage render(BufferedImage image, List<GroundTruthBox> truth, List<Detection> detections,
            List<String> classes, double shownScore) {
        int w = image.getWidth();
        int h = image.getHeight();
        BufferedImage out = new BufferedImage(2 * w + GAP, h + HEADER, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, out.getWidth(), out.getHeight());
            g.drawImage(image, 0, HEADER, null);
            g.drawImage(image, w + GAP, HEADER, null);
            List<Detection> shown = detections.stream().filter(d -> d.score() >= shownScore).toList();
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
            g.setColor(Color.BLACK);
            g.drawString("Ground truth: " + truth.size() + " cells", 6, 21);
            g.drawString(String.format(Locale.ROOT, "Predictions (score ≥ %.2f): %d cells", shownScore, shown.size()),
                    w + GAP + 6, 21);
            g.setStroke(new BasicStroke(2f));
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            for (GroundTruthBox b : truth) {
                box(g, 0, b.x1(), b.y1(), b.x2(), b.y2(), colour(classes, b.cellClass()), b.cellClass());
            }
            // Lowest scores first so the most confident boxes and labels end up on top.
            for (int i = shown.size() - 1; i >= 0; i--) {
                Detection d = shown.get(i);
                box(g, w + GAP, d.x1(), d.y1(), d.x2(), d.y2(), colour(classes, d.cellClass()),
                        String.format(Locale.ROOT, "%s %.2f", d.cellClass(), d.score()));
            }
        } finally {
            g.dispose();
        }
        return out;
    }

    /**
     * A field before and after a transform, side by side, each with its labelled boxes, drawn at {@code scale} (a
     * reader sees the whole field in a picture small enough to keep).
     */
    public static BufferedImage beforeAfter(BufferedImage before, List<GroundTruthBox> beforeBoxes, String beforeTitle,
            BufferedImage after, List<GroundTruthBox> afterBoxes, String afterTitle, List<String> classes,
            double scale) {
        int w = (int) Math.round(before.getWidth() * scale);
        int h = (int) Math.round(before.getHeight() * scale);
        BufferedImage out = new BufferedImage(2 * w + GAP, h + HEADER, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, out.getWidth(), out.getHeight());
            g.drawImage(before, 0, HEADER, w, h, null);
            g.drawImage(after, w + GAP, HEADER, w, h, null);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
            g.setColor(Color.BLACK);
            g.drawString(beforeTitle, 6, 20);
            g.drawString(afterTitle, w + GAP + 6, 20);
            g.setStroke(new BasicStroke(1.5f));
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
            float s = (float) scale;
            for (GroundTruthBox b : beforeBoxes) {
                box(g, 0, b.x1() * s, b.y1() * s, b.x2() * s, b.y2() * s, colour(classes, b.cellClass()),
                        b.cellClass());
            }
            for (GroundTruthBox b : afterBoxes) {
                box(g, w + GAP, b.x1() * s, b.y1() * s, b.x2() * s, b.y2() * s, colour(classes, b.cellClass()),
                        b.cellClass());
            }
        } finally {
            g.dispose();
        }
        return out;
    }

    private static void box(Graphics2D g, int dx, float x1, float y1, float x2, float y2, Color colour,
            String label) {
        int left = dx + Math.round(x1);
        int top = HEADER + Math.round(y1);
        g.setColor(colour);
        g.drawRect(left, top, Math.max(1, Math.round(x2 - x1)), Math.max(1, Math.round(y2 - y1)));
        FontMetrics metrics = g.getFontMetrics();
        int textWidth = metrics.stringWidth(label) + 4;
        int textHeight = metrics.getAscent() + 2;
        int labelTop = Math.max(HEADER, top - textHeight);
        g.fillRect(left, labelTop, textWidth, textHeight);
        g.setColor(Color.WHITE);
        g.drawString(label, left + 2, labelTop + metrics.getAscent());
    }
}
