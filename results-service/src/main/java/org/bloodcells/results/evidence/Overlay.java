package org.bloodcells.results.evidence;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.imageio.ImageIO;

import org.bloodcells.events.DetectedCell;
import org.bloodcells.results.service.CellClass;

/**
 * The picture behind a count: the original image with the run's boxes in each class's colour (solid: counted;
 * dashed: kept by the model but below its class's count threshold) and a legend with the counts and the model
 * version.
 */
public final class Overlay {

    private Overlay() {
    }

    /**
     * @param shown     classes whose boxes are drawn (the legend lists all)
     * @param counted   whether a cell is counted
     * @param maxWidth  the picture is scaled down to this width when the image is wider
     */
    public static byte[] png(BufferedImage original, List<DetectedCell> cells, Set<CellClass> shown,
            java.util.function.Predicate<DetectedCell> counted, Map<String, Integer> counts, String model,
            int maxWidth) {
        double scale = original.getWidth() > maxWidth ? (double) maxWidth / original.getWidth() : 1;
        int width = (int) Math.round(original.getWidth() * scale);
        int height = (int) Math.round(original.getHeight() * scale);
        BufferedImage picture = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = picture.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.drawImage(original, 0, 0, width, height, null);
            float line = (float) Math.max(2, width / 320.0);
            Stroke solid = new BasicStroke(line);
            Stroke dashed = new BasicStroke(line / 2, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10,
                    new float[] { 3 * line, 2 * line }, 0);
            Map<CellClass, Color> colours = new EnumMap<>(CellClass.class);
            for (CellClass c : CellClass.values()) {
                colours.put(c, Color.decode(c.colour()));
            }
            for (DetectedCell cell : cells) {
                CellClass cellClass = CellClass.named(cell.cellClass()).orElse(null);
                if (cellClass == null || !shown.contains(cellClass)) {
                    continue;
                }
                g.setColor(colours.get(cellClass));
                g.setStroke(counted.test(cell) ? solid : dashed);
                int x = (int) Math.round(cell.x1() * scale);
                int y = (int) Math.round(cell.y1() * scale);
                g.drawRect(x, y, (int) Math.round((cell.x2() - cell.x1()) * scale),
                        (int) Math.round((cell.y2() - cell.y1()) * scale));
            }
            legend(g, colours, shown, counts, model, width);
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            ImageIO.write(picture, "png", png);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return png.toByteArray();
    }

    private static void legend(Graphics2D g, Map<CellClass, Color> colours, Set<CellClass> shown,
            Map<String, Integer> counts, String model, int width) {
        int size = Math.max(12, width / 50);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, size));
        int lineHeight = size + size / 2;
        int boxWidth = Math.max(g.getFontMetrics().stringWidth(model), g.getFontMetrics().stringWidth("Platelets 000"
                + " (hidden)") + lineHeight) + size;
        int boxHeight = lineHeight * (CellClass.values().length + 1) + size / 2;
        g.setColor(new Color(255, 255, 255, 215));
        g.fillRect(size / 2, size / 2, boxWidth, boxHeight);
        int y = size / 2 + lineHeight;
        g.setColor(Color.DARK_GRAY);
        g.drawString(model, size, y - size / 4);
        for (CellClass c : CellClass.values()) {
            y += lineHeight;
            g.setColor(colours.get(c));
            g.fillRect(size, y - size, size, size);
            g.setColor(Color.BLACK);
            Integer count = counts.get(c.label());
            g.drawString(c.label() + " " + (count == null ? "-" : count) + (shown.contains(c) ? "" : " (hidden)"),
                    size + lineHeight, y - size / 8);
        }
    }
}
