package org.bloodcells.eval;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.bloodcells.detection.CellDetector;
import org.bloodcells.detection.Detection;
import org.bloodcells.detection.DetectionResult;
import org.bloodcells.detection.ImageScale;
import org.bloodcells.detection.ModelDomain;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What the workers' detection core made of each image of a data set, kept in a file so that the out-of-distribution
 * flag's settings can be tried many times over one slow detection pass. Keyed by model file name and version,
 * data set and image id; an entry is reused only for the same model.
 */
final class DetectionCache {

    /**
     * One image as the workers saw it.
     *
     * @param truth      labelled cells per class
     * @param detections every detection above the model's score threshold
     * @param colour     the image's mean R, G, B
     * @param micronsPerPixel its scale as used, NaN when unknown
     * @param scaleSource where that scale came from
     * @param reasons    the flag's reasons at detection time
     */
    record Seen(String data, String id, Map<String, Integer> truth, List<Detection> detections, float[] colour,
            double micronsPerPixel, ImageScale.Source scaleSource, List<String> reasons) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final String model;
    private final Map<String, Seen> entries = new LinkedHashMap<>();

    private DetectionCache(Path file, String model) {
        this.file = file;
        this.model = model;
    }

    static DetectionCache open(Path file, String model) throws IOException {
        DetectionCache cache = new DetectionCache(file, model);
        if (file != null && Files.isRegularFile(file)) {
            Map<String, Seen> stored = JSON.readValue(file.toFile(), new TypeReference<Map<String, Seen>>() { });
            stored.forEach(cache.entries::put);
        }
        return cache;
    }

    List<Seen> seen(CellDetector detector, String data, List<AnnotatedImage> images, PrintStream log)
            throws IOException {
        List<Seen> out = new ArrayList<>();
        int fresh = 0;
        for (AnnotatedImage image : images) {
            String key = model + "|" + data + "|" + image.id();
            Seen seen = entries.get(key);
            if (seen == null) {
                BufferedImage decoded = image.decode();
                DetectionResult result = detector.detect(decoded);
                seen = new Seen(data, image.id(), CountErrors.truthCounts(image.boxes()), result.detections(),
                        ModelDomain.meanColour(decoded), result.scale().scale().micronsPerPixel(),
                        result.scale().scale().source(), result.outOfDistribution());
                entries.put(key, seen);
                if (++fresh % 20 == 0) {
                    log.printf(Locale.ROOT, "  %s: %d images detected%n", data, fresh);
                    save();
                }
            }
            out.add(seen);
        }
        save();
        return out;
    }

    private void save() throws IOException {
        if (file != null) {
            JSON.writeValue(file.toFile(), entries);
        }
    }
}
