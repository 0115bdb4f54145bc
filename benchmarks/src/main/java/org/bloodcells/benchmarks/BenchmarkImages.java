package org.bloodcells.benchmarks;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;

import org.bloodcells.images.JpegEncoder;

/**
 * The images a benchmark sends: BCCD's 364 as they are, then re-encoded variants of them (JPEG at other qualities:
 * the same smears, new bytes, so new image ids) until there are enough.
 */
final class BenchmarkImages {

    private BenchmarkImages() {
    }

    static List<byte[]> load(Path bccd, int count) throws IOException {
        List<Path> files = files(bccd.resolve("JPEGImages"), ".jpg");
        List<byte[]> images = new ArrayList<>(count);
        for (int i = 0; images.size() < count; i++) {
            byte[] original = Files.readAllBytes(files.get(i % files.size()));
            int round = i / files.size();
            images.add(round == 0 ? original : reencode(original, 0.95f - 0.03f * round));
        }
        return images;
    }

    /**
     * Another lab's microscope: {@code datasets/draaslan-bcd}'s 100 crops (256 × 256 PNG), then their mirror images
     * (left-right, top-bottom, both: new bytes, the same cells) until there are enough, at most 400.
     */
    static List<byte[]> draaslan(Path draaslan, int count) throws IOException {
        List<Path> files = files(draaslan.resolve("images"), ".png");
        if (count > 4 * files.size()) {
            throw new IllegalArgumentException("at most " + 4 * files.size() + " images of another lab, asked for "
                    + count);
        }
        List<byte[]> images = new ArrayList<>(count);
        for (int i = 0; images.size() < count; i++) {
            Path file = files.get(i % files.size());
            int mirror = i / files.size();
            images.add(mirror == 0 ? Files.readAllBytes(file)
                    : png(mirrored(ImageIO.read(file.toFile()), mirror % 2 == 1, mirror >= 2)));
        }
        return images;
    }

    /**
     * Large fields: four BCCD images side by side, 2 × 2, one 1 280 × 960 JPEG (quality 0.9), each field a different
     * four; a scanner's wide field at BCCD's scale, which the worker cuts into tiles.
     */
    static List<byte[]> fields(Path bccd, int count) throws IOException {
        List<Path> files = files(bccd.resolve("JPEGImages"), ".jpg");
        List<byte[]> images = new ArrayList<>(count);
        for (int i = 0; images.size() < count; i++) {
            BufferedImage field = new BufferedImage(1280, 960, BufferedImage.TYPE_3BYTE_BGR);
            Graphics2D g = field.createGraphics();
            for (int q = 0; q < 4; q++) {
                // i, i+1, i+2, i+3 in one field; i + files.size() starts the next round shifted by one
                Path file = files.get((i + q + i / files.size()) % files.size());
                g.drawImage(ImageIO.read(file.toFile()), (q % 2) * 640, (q / 2) * 480, 640, 480, null);
            }
            g.dispose();
            images.add(JpegEncoder.encode(new IIOImage(field, null, null), 0.9f));
        }
        return images;
    }

    /** The folder's files whose names end with {@code suffix}, in name order. */
    private static List<Path> files(Path folder, String suffix) throws IOException {
        try (Stream<Path> listing = Files.list(folder)) {
            return listing.filter(f -> f.toString().endsWith(suffix)).sorted().toList();
        }
    }

    private static BufferedImage mirrored(BufferedImage image, boolean leftRight, boolean topBottom) {
        BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = out.createGraphics();
        int w = image.getWidth();
        int h = image.getHeight();
        g.drawImage(image, leftRight ? w : 0, topBottom ? h : 0, leftRight ? 0 : w, topBottom ? 0 : h, 0, 0, w, h,
                null);
        g.dispose();
        return out;
    }

    private static byte[] png(BufferedImage image) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    private static byte[] reencode(byte[] jpeg, float quality) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(jpeg));
        return JpegEncoder.encode(new IIOImage(image, null, null), Math.max(0.5f, quality));
    }
}
