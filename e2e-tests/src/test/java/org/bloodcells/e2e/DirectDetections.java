package org.bloodcells.e2e;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bloodcells.detection.CellDetector;
import org.bloodcells.images.BccdImages;

/** What the detection core finds in BCCD images, run directly on the files: what the platform's counts must equal. */
final class DirectDetections {

    private DirectDetections() {
    }

    /** Each BCCD image's counts by the model, keyed by the image's id (e.g. BloodImage_00007). */
    static Map<String, Map<String, Integer>> counts(Path model, List<String> bases) throws Exception {
        Map<String, Map<String, Integer>> counts = new LinkedHashMap<>();
        try (CellDetector detector = CellDetector.load(model, 2)) {
            for (String base : bases) {
                counts.put(base, detector.detect(BccdImages.bytes(base)).counts());
            }
        }
        return counts;
    }
}
