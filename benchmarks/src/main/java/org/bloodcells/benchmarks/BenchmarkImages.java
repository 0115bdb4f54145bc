package org.bloodcells.benchmarks;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
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
        List<Path> files;
        try (Stream<Path> listing = Files.list(bccd.resolve("JPEGImages"))) {
            files = listing.filter(f -> f.toString().endsWith(".jpg")).sorted().toList();
        }
        List<byte[]> images = new ArrayList<>(count);
        for (int i = 0; images.size() < count; i++) {
            byte[] original = Files.readAllBytes(files.get(i % files.size()));
            int round = i / files.size();
            images.add(round == 0 ? original : reencode(original, 0.95f - 0.03f * round));
        }
        return images;
    }

    private static byte[] reencode(byte[] jpeg, float quality) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(jpeg));
        return JpegEncoder.encode(new IIOImage(image, null, null), Math.max(0.5f, quality));
    }
}
