package org.bloodcells.eval;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * The robustness benchmark's transforms of an annotated image: what another microscope, stain, focus or scanner makes
 * of the same smear, and a patient's abnormal red cells ({@link DeformedRedCells}). Boxes follow the image; a cell cut
 * by a crop stays annotated while at least half of it shows.
 */
public final class ImageTransforms {

    /** An image and its boxes after a transform; {@code zoom} is its magnification against the original. */
    public record Transformed(BufferedImage image, List<GroundTruthBox> boxes, double zoom) {
    }

    /** The transforms by name, in the benchmark's order. */
    public static final List<String> NAMES = List.of("clean", "zoom-0.5", "zoom-2", "zoom-3", "blur", "stain",
            "jpeg-30", "abnormal-rbc");

    private ImageTransforms() {
    }

    public static Transformed apply(String name, BufferedImage image, List<GroundTruthBox> boxes) {
        return switch (name) {
            case "clean" -> new Transformed(image, boxes, 1);
            case "zoom-0.5" -> lowerMagnification(image, boxes);
            case "zoom-2" -> higherMagnification(image, boxes, 2);
            case "zoom-3" -> higherMagnification(image, boxes, 3);
            case "blur" -> new Transformed(blur(image, 2.0), boxes, 1);
            case "stain" -> new Transformed(stain(image, 1.3, 0.7), boxes, 1);
            case "jpeg-30" -> new Transformed(jpeg(image, 0.3f), boxes, 1);
            case "abnormal-rbc" -> DeformedRedCells.deform(image, boxes);
            default -> throw new IllegalArgumentException("unknown transform '" + name + "', one of " + NAMES);
        };
    }

    /**
     * Half the magnification on the same sensor: four copies of the field (as is, mirrored each way and both) side by
     * side, every 2×2 block of pixels averaged into one.
     */
    static Transformed lowerMagnification(BufferedImage image, List<GroundTruthBox> boxes) {
        int w = image.getWidth();
        int h = image.getHeight();
        BufferedImage quad = new BufferedImage(2 * w, 2 * h, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = quad.createGraphics();
        g.drawImage(image, 0, 0, w, h, null);
        g.drawImage(image, 2 * w, 0, -w, h, null);
        g.drawImage(image, 0, 2 * h, w, -h, null);
        g.drawImage(image, 2 * w, 2 * h, -w, -h, null);
        g.dispose();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int r = 0;
                int gr = 0;
                int b = 0;
                for (int dy = 0; dy < 2; dy++) {
                    for (int dx = 0; dx < 2; dx++) {
                        int p = quad.getRGB(2 * x + dx, 2 * y + dy);
                        r += p >> 16 & 0xFF;
                        gr += p >> 8 & 0xFF;
                        b += p & 0xFF;
                    }
                }
                out.setRGB(x, y, (r + 2) / 4 << 16 | (gr + 2) / 4 << 8 | (b + 2) / 4);
            }
        }
        List<GroundTruthBox> moved = new ArrayList<>();
        for (GroundTruthBox c : boxes) {
            moved.add(scaled(c, 0, 0, 0.5f));
            moved.add(scaled(new GroundTruthBox(c.cellClass(), 2 * w - c.x2(), c.y1(), 2 * w - c.x1(), c.y2()), 0, 0,
                    0.5f));
            moved.add(scaled(new GroundTruthBox(c.cellClass(), c.x1(), 2 * h - c.y2(), c.x2(), 2 * h - c.y1()), 0, 0,
                    0.5f));
            moved.add(scaled(new GroundTruthBox(c.cellClass(), 2 * w - c.x2(), 2 * h - c.y2(), 2 * w - c.x1(),
                    2 * h - c.y1()), 0, 0, 0.5f));
        }
        return new Transformed(out, moved, 0.5);
    }

    /** {@code zoom}× the magnification on the same sensor: the centre 1/zoom of the field, enlarged bilinearly. */
    static Transformed higherMagnification(BufferedImage image, List<GroundTruthBox> boxes, int zoom) {
        int w = image.getWidth();
        int h = image.getHeight();
        int cw = w / zoom;
        int ch = h / zoom;
        int x0 = (w - cw) / 2;
        int y0 = (h - ch) / 2;
        BufferedImage out = new BufferedImage(cw * zoom, ch * zoom, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(image, 0, 0, cw * zoom, ch * zoom, x0, y0, x0 + cw, y0 + ch, null);
        g.dispose();
        List<GroundTruthBox> kept = new ArrayList<>();
        for (GroundTruthBox c : boxes) {
            float x1 = Math.max(c.x1(), x0);
            float y1 = Math.max(c.y1(), y0);
            float x2 = Math.min(c.x2(), x0 + cw);
            float y2 = Math.min(c.y2(), y0 + ch);
            if (x2 > x1 && y2 > y1 && (double) (x2 - x1) * (y2 - y1) >= 0.5 * c.area()) {
                kept.add(scaled(new GroundTruthBox(c.cellClass(), x1, y1, x2, y2), x0, y0, zoom));
            }
        }
        return new Transformed(out, kept, zoom);
    }

    private static GroundTruthBox scaled(GroundTruthBox c, float dx, float dy, float by) {
        return new GroundTruthBox(c.cellClass(), (c.x1() - dx) * by, (c.y1() - dy) * by, (c.x2() - dx) * by,
                (c.y2() - dy) * by);
    }

    /** Out of focus: a Gaussian blur of this sigma in pixels, edges replicated. */
    static BufferedImage blur(BufferedImage image, double sigma) {
        int radius = (int) Math.ceil(3 * sigma);
        double[] k = new double[2 * radius + 1];
        double sum = 0;
        for (int i = -radius; i <= radius; i++) {
            k[i + radius] = Math.exp(-i * i / (2 * sigma * sigma));
            sum += k[i + radius];
        }
        for (int i = 0; i < k.length; i++) {
            k[i] /= sum;
        }
        int w = image.getWidth();
        int h = image.getHeight();
        double[][] rgb = channels(image);
        double[][] pass = new double[3][w * h];
        double[][] out = new double[3][w * h];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double v = 0;
                    for (int i = -radius; i <= radius; i++) {
                        v += k[i + radius] * rgb[c][y * w + Math.min(w - 1, Math.max(0, x + i))];
                    }
                    pass[c][y * w + x] = v;
                }
            }
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double v = 0;
                    for (int i = -radius; i <= radius; i++) {
                        v += k[i + radius] * pass[c][Math.min(h - 1, Math.max(0, y + i)) * w + x];
                    }
                    out[c][y * w + x] = v;
                }
            }
        }
        return image(out, w, h);
    }

    // Ruifrok and Johnston's stain vectors as the trainer's augmentation uses them (trainer/python/efficientdet/data.py).
    private static final double[][] RGB_FROM_HED = {{0.65, 0.70, 0.29}, {0.07, 0.99, 0.11}, {0.27, 0.57, 0.78}};

    /**
     * Another stain: each pixel's haematoxylin amount times {@code h}, eosin times {@code e}, in HED optical density
     * (the colour-deconvolution model of Ruifrok and Johnston).
     */
    static BufferedImage stain(BufferedImage image, double h, double e) {
        double[][] inverse = invert(RGB_FROM_HED);
        int w = image.getWidth();
        int ht = image.getHeight();
        double[][] rgb = channels(image);
        double[][] out = new double[3][w * ht];
        double[] gain = {h, e, 1};
        for (int p = 0; p < w * ht; p++) {
            double[] od = new double[3];
            for (int c = 0; c < 3; c++) {
                od[c] = -Math.log((rgb[c][p] + 1) / 256);
            }
            double[] stains = new double[3];
            for (int s = 0; s < 3; s++) {
                for (int c = 0; c < 3; c++) {
                    stains[s] += od[c] * inverse[c][s];
                }
                stains[s] *= gain[s];
            }
            for (int c = 0; c < 3; c++) {
                double v = 0;
                for (int s = 0; s < 3; s++) {
                    v += stains[s] * RGB_FROM_HED[s][c];
                }
                out[c][p] = 256 * Math.exp(-v) - 1;
            }
        }
        return image(out, w, ht);
    }

    /** A hard-compressing scanner: encoded and decoded as JPEG at this quality (0..1). */
    static BufferedImage jpeg(BufferedImage image, float quality) {
        try {
            BufferedImage rgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
            rgb.getGraphics().drawImage(image, 0, 0, null);
            ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
                writer.setOutput(out);
                ImageWriteParam param = writer.getDefaultWriteParam();
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                param.setCompressionQuality(quality);
                writer.write(null, new IIOImage(rgb, null, null), param);
            } finally {
                writer.dispose();
            }
            return ImageIO.read(new ByteArrayInputStream(bytes.toByteArray()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static double[][] channels(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        double[][] rgb = new double[3][w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = image.getRGB(x, y);
                rgb[0][y * w + x] = p >> 16 & 0xFF;
                rgb[1][y * w + x] = p >> 8 & 0xFF;
                rgb[2][y * w + x] = p & 0xFF;
            }
        }
        return rgb;
    }

    static BufferedImage image(double[][] rgb, int w, int h) {
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        UnaryOperator<Double> clamp = v -> Math.max(0, Math.min(255, Math.rint(v)));
        for (int p = 0; p < w * h; p++) {
            int r = clamp.apply(rgb[0][p]).intValue();
            int g = clamp.apply(rgb[1][p]).intValue();
            int b = clamp.apply(rgb[2][p]).intValue();
            out.setRGB(p % w, p / w, r << 16 | g << 8 | b);
        }
        return out;
    }

    private static double[][] invert(double[][] m) {
        double det = m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2]
                * m[2][0]) + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
        double[][] inv = new double[3][3];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                double[][] minor = new double[2][2];
                for (int r = 0, mr = 0; r < 3; r++) {
                    if (r == j) {
                        continue;
                    }
                    for (int c = 0, mc = 0; c < 3; c++) {
                        if (c == i) {
                            continue;
                        }
                        minor[mr][mc++] = m[r][c];
                    }
                    mr++;
                }
                double cofactor = minor[0][0] * minor[1][1] - minor[0][1] * minor[1][0];
                inv[i][j] = ((i + j) % 2 == 0 ? 1 : -1) * cofactor / det;
            }
        }
        return inv;
    }
}
