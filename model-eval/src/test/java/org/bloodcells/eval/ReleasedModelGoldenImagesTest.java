package org.bloodcells.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bloodcells.detection.CellDetector;
import org.bloodcells.detection.Detection;
import org.bloodcells.images.BccdImages;
import org.junit.jupiter.api.Test;

/**
 * Golden test of the released model ({@code -Ddetector.model}) on three BCCD test images (24 + 8 + 14 annotated
 * cells), with the post-processing it carries, which is what the workers count with. BCCD leaves many RBCs
 * unannotated, so it checks recall, not counts: every annotated WBC found, and at least half of the annotated RBCs
 * and platelets, each by a box of its class at IoU ≥ 0.5.
 */
class ReleasedModelGoldenImagesTest {

    private static final List<String> IMAGES = List.of("BloodImage_00031", "BloodImage_00065", "BloodImage_00068");

    @Test
    void findsTheAnnotatedCellsOfThreeTestImages() throws Exception {
        Path model = Path.of(System.getProperty("detector.model", "../models/efficientdet-d0-bccd.onnx"));
        assertTrue(Files.isRegularFile(model), "no model file at " + model.toAbsolutePath());
        VocDataset voc = VocDataset.open(BccdImages.directory());
        Map<String, int[]> foundOfAnnotated = new LinkedHashMap<>();
        try (CellDetector counting = CellDetector.load(model, 2)) {
            for (String id : IMAGES) {
                List<Detection> found = counting.detect(BccdImages.bytes(id)).detections();
                for (GroundTruthBox truth : voc.image(id).boxes()) {
                    int[] tally = foundOfAnnotated.computeIfAbsent(truth.cellClass(), c -> new int[2]);
                    tally[1]++;
                    if (found.stream().anyMatch(d -> d.cellClass().equals(truth.cellClass()) && iou(d, truth) >= 0.5)) {
                        tally[0]++;
                    }
                }
            }
        }
        String report = foundOfAnnotated.entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue()[0] + "/" + e.getValue()[1]).toList().toString();
        assertEquals(46, foundOfAnnotated.values().stream().mapToInt(t -> t[1]).sum(), report);
        assertEquals(foundOfAnnotated.get("WBC")[1], foundOfAnnotated.get("WBC")[0], report);
        assertTrue(foundOfAnnotated.get("RBC")[0] * 2 >= foundOfAnnotated.get("RBC")[1], report);
        assertTrue(foundOfAnnotated.get("Platelets")[0] * 2 >= foundOfAnnotated.get("Platelets")[1], report);
    }

    /** COCO's IoU, as the evaluator computes it. */
    private static double iou(Detection d, GroundTruthBox g) {
        return CocoEvaluator.iou(new double[] {d.x1(), d.y1(), d.width(), d.height()},
                new double[] {g.x1(), g.y1(), g.x2() - (double) g.x1(), g.y2() - (double) g.y1()});
    }
}
