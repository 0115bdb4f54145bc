package org.bloodcells.eval;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * The other lab's annotated crops ({@code datasets/draaslan-bcd}, its README): {@code annotations.csv} with boxes as
 * fractions of the image, labels {@code rbc} and {@code wbc} (platelets are not labelled), three rows repeated. For
 * evaluation only.
 */
public final class OtherLabDataset {

    /** The classes it labels, in the model's spelling. */
    public static final List<String> CLASSES = List.of("RBC", "WBC");
    /** The model's classes it does not label: its author found its platelets unsuitable to label. */
    public static final List<String> UNLABELLED = List.of("Platelets");

    private OtherLabDataset() {
    }

    public static List<AnnotatedImage> read(Path directory) {
        Path csv = directory.resolve("annotations.csv");
        if (!Files.isRegularFile(csv)) {
            throw new IllegalArgumentException(directory + " has no annotations.csv: not the other lab's dataset");
        }
        try {
            Map<String, Set<List<String>>> rows = new LinkedHashMap<>();
            List<String> lines = Files.readAllLines(csv);
            for (String line : lines.subList(1, lines.size())) {
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split(",");
                if (f.length != 7) {
                    throw new IllegalArgumentException(csv + ": expected 7 columns in '" + line + "'");
                }
                rows.computeIfAbsent(f[1].trim(), k -> new LinkedHashSet<>()).add(List.of(f[2].trim(), f[3].trim(),
                        f[4].trim(), f[5].trim(), f[6].trim().toUpperCase(Locale.ROOT)));
            }
            List<AnnotatedImage> images = new ArrayList<>();
            for (var entry : rows.entrySet()) {
                Path file = directory.resolve("images").resolve(entry.getKey());
                int[] size = size(file);
                List<GroundTruthBox> boxes = new ArrayList<>();
                for (List<String> r : entry.getValue()) {
                    if (!CLASSES.contains(r.get(4))) {
                        throw new IllegalArgumentException(csv + ": unknown label " + r.get(4));
                    }
                    boxes.add(new GroundTruthBox(r.get(4), (float) (Double.parseDouble(r.get(0)) * size[0]),
                            (float) (Double.parseDouble(r.get(1)) * size[1]),
                            (float) (Double.parseDouble(r.get(2)) * size[0]),
                            (float) (Double.parseDouble(r.get(3)) * size[1])));
                }
                images.add(new AnnotatedImage(entry.getKey().replace(".png", ""), file, size[0], size[1], boxes));
            }
            return images;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int[] size(Path file) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            ImageReader reader = in == null ? null : ImageIO.getImageReaders(in).next();
            if (reader == null) {
                throw new IOException(file + " is no image");
            }
            try {
                reader.setInput(in);
                return new int[] {reader.getWidth(0), reader.getHeight(0)};
            } finally {
                reader.dispose();
            }
        }
    }
}
