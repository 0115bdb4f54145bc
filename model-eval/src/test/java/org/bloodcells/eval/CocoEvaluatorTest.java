package org.bloodcells.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;

import org.bloodcells.detection.Detection;
import org.junit.jupiter.api.Test;

/**
 * Hand-computed COCO scenarios. AP samples the precision envelope at the 101 recall points 0, 0.01, …, 1; a
 * point beyond the highest recall reached counts 0. pycocotools divides by (tp + fp + 2⁻⁵²), so a "1" is
 * 1 − 2⁻⁵²: the tolerance below absorbs that.
 */
class CocoEvaluatorTest {

    private static final double TOLERANCE = 1e-9;
    private static final List<String> CLASSES = List.of("RBC", "WBC");

    private final CocoEvaluator evaluator = new CocoEvaluator(CLASSES);

    static GroundTruthBox gt(String cls, float x1, float y1, float x2, float y2) {
        return new GroundTruthBox(cls, x1, y1, x2, y2);
    }

    static Detection det(String cls, float score, float x1, float y1, float x2, float y2) {
        return new Detection(cls, score, x1, y1, x2, y2);
    }

    @Test
    void thresholdsAndRecallPointsAreNumpysLinspace() {
        assertArrayEquals(new double[] {0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.8999999999999999, 0.95},
                CocoEvaluator.IOU_THRESHOLDS);
        assertEquals(101, CocoEvaluator.RECALL_POINTS.length);
        assertEquals(0.5700000000000001, CocoEvaluator.RECALL_POINTS[57]);
        assertEquals(0.5, CocoEvaluator.RECALL_POINTS[50]);
        assertEquals(1.0, CocoEvaluator.RECALL_POINTS[100]);
    }

    @Test
    void perfectDetectionsScoreOne() {
        for (int image = 0; image < 2; image++) {
            evaluator.add(List.of(gt("RBC", 0, 0, 100, 100), gt("WBC", 200, 200, 300, 300)),
                    List.of(det("RBC", 0.9f, 0, 0, 100, 100), det("WBC", 0.8f, 200, 200, 300, 300)));
        }
        CocoMetrics m = evaluator.evaluate();
        assertEquals(1, m.ap(), TOLERANCE);
        assertEquals(1, m.ap50(), TOLERANCE);
        assertEquals(1, m.ap75(), TOLERANCE);
        assertEquals(1, m.ar100(), TOLERANCE);
        assertEquals(1, m.apLarge(), TOLERANCE);
        assertEquals(-1, m.apSmall(), "no small ground truth");
        assertEquals(-1, m.apMedium(), "no medium ground truth");
        assertEquals(1, m.perClass().get("WBC").ap(), TOLERANCE);
        assertEquals(2, m.perClass().get("WBC").groundTruth());
        assertEquals(2, m.images());
    }

    @Test
    void aFalsePositiveRankedAboveATruePositive() {
        // Two RBCs; detections by score: hit (0.9), miss (0.8), hit (0.7).
        // Cumulative recall 0.5, 0.5, 1 and precision 1, 1/2, 2/3; the envelope makes it 1, 2/3, 2/3.
        // Recall points 0..0.50 (51 of them) read precision 1, points 0.51..1 (50) read 2/3:
        // AP = (51·1 + 50·2/3) / 101 = 84.333… / 101 = 0.834983…, at every IoU threshold (the hits are exact).
        evaluator.add(List.of(gt("RBC", 0, 0, 100, 100), gt("RBC", 200, 0, 300, 100)),
                List.of(det("RBC", 0.9f, 0, 0, 100, 100), det("RBC", 0.8f, 400, 400, 500, 500),
                        det("RBC", 0.7f, 200, 0, 300, 100)));
        CocoMetrics m = evaluator.evaluate();
        double expected = (51 + 50 * 2.0 / 3) / 101;
        assertEquals(expected, m.ap50(), TOLERANCE);
        assertEquals(expected, m.ap(), TOLERANCE);
        assertEquals(1, m.ar100(), TOLERANCE);
        assertEquals(-1, m.perClass().get("WBC").ap(), "WBC has no ground truth");
    }

    @Test
    void aMissedGroundTruthLeavesTheHighRecallPointsAtZero() {
        // Two RBCs, one found: recall 0.5 at precision 1. Points 0..0.50 read 1, the 50 beyond read 0:
        // AP = 51 / 101 = 0.50495…; AR = 0.5.
        evaluator.add(List.of(gt("RBC", 0, 0, 100, 100), gt("RBC", 200, 0, 300, 100)),
                List.of(det("RBC", 0.9f, 0, 0, 100, 100)));
        CocoMetrics m = evaluator.evaluate();
        assertEquals(51.0 / 101, m.ap(), TOLERANCE);
        assertEquals(0.5, m.ar100(), TOLERANCE);
    }

    @Test
    void aLooseBoxCountsAtLowThresholdsOnly() {
        // Detection (0,0,100,62) on ground truth (0,0,100,100): IoU 6200/10000 = 0.62 matches at thresholds
        // 0.50, 0.55, 0.60 (AP 1 each) and not at 0.65..0.95 (AP 0 each): AP@[.5:.95] = 3/10 = 0.3.
        evaluator.add(List.of(gt("RBC", 0, 0, 100, 100)), List.of(det("RBC", 0.9f, 0, 0, 100, 62)));
        CocoMetrics m = evaluator.evaluate();
        assertEquals(1, m.ap50(), TOLERANCE);
        assertEquals(0, m.ap75(), TOLERANCE);
        assertEquals(0.3, m.ap(), TOLERANCE);
        assertEquals(0.3, m.ar100(), TOLERANCE);
        assertEquals(0.3, m.perClass().get("RBC").ap(), TOLERANCE);
        assertEquals(1, m.perClass().get("RBC").ap50(), TOLERANCE);
    }

    @Test
    void areaRangesIgnoreGroundTruthOutsideThemAndUnmatchedDetectionsOutsideThem() {
        // Ground truth: A small (20×20 = 400 < 32²), B large (100×100 = 10000 > 96²).
        // Detections by score: on B (0.9), a stray 10×10 box (0.8, area 100, small), on A (0.7).
        // all:    hit, miss, hit → 0.834983… as in aFalsePositiveRankedAboveATruePositive.
        // small:  B is ignored, so the detection on it is ignored; stray counts; A hit. Cumulative (tp, fp):
        //         (0, 0), (0, 1), (1, 1): recall 0, 0, 1, precision 0, 0, 1/2 → envelope 1/2 everywhere: AP 0.5.
        // medium: no ground truth in range → −1.
        // large:  A is ignored and so is the detection on it; the stray box is unmatched and not large, so it
        //         is ignored too; B hit: AP 1.
        evaluator.add(List.of(gt("RBC", 0, 0, 20, 20), gt("RBC", 100, 100, 200, 200)),
                List.of(det("RBC", 0.9f, 100, 100, 200, 200), det("RBC", 0.8f, 300, 300, 310, 310),
                        det("RBC", 0.7f, 0, 0, 20, 20)));
        CocoMetrics m = evaluator.evaluate();
        assertEquals((51 + 50 * 2.0 / 3) / 101, m.ap(), TOLERANCE);
        assertEquals(0.5, m.apSmall(), TOLERANCE);
        assertEquals(-1, m.apMedium());
        assertEquals(1, m.apLarge(), TOLERANCE);
    }

    @Test
    void rangeBoundsAreInclusiveLikePycocotools() {
        // 32×32 = 1024 is both small and medium.
        evaluator.add(List.of(gt("RBC", 0, 0, 32, 32)), List.of(det("RBC", 0.9f, 0, 0, 32, 32)));
        CocoMetrics m = evaluator.evaluate();
        assertEquals(1, m.apSmall(), TOLERANCE);
        assertEquals(1, m.apMedium(), TOLERANCE);
        assertEquals(-1, m.apLarge());
    }

    @Test
    void classesWithoutGroundTruthAreLeftOutOfTheMean() {
        // RBC perfect; WBC only has a false positive and no ground truth anywhere: mean over RBC alone is 1.
        evaluator.add(List.of(gt("RBC", 0, 0, 100, 100)),
                List.of(det("RBC", 0.9f, 0, 0, 100, 100), det("WBC", 0.95f, 300, 300, 400, 400)));
        CocoMetrics m = evaluator.evaluate();
        assertEquals(1, m.ap(), TOLERANCE);
        assertEquals(-1, m.perClass().get("WBC").ap());
        assertEquals(-1, m.perClass().get("WBC").ar100());
    }

    @Test
    void greedyMatchingByScoreCanLeaveTheBetterBoxUnmatched() {
        // G1 (0,0,100,100) and G2 (0,50,100,150). D1 (0.9) at (0,10,100,110): IoU 9000/11000 = 0.82 with G1,
        // 6000/14000 = 0.43 with G2 → takes G1. D2 (0.8) lies exactly on G1, which is taken; with G2 its IoU is
        // 5000/15000 = 0.33 → a false positive. At 0.5: recall 0.5, 0.5; precision 1, 1/2 →
        // AP50 = 51 / 101 (the 50 points above recall 0.5 are never reached).
        evaluator.add(List.of(gt("RBC", 0, 0, 100, 100), gt("RBC", 0, 50, 100, 150)),
                List.of(det("RBC", 0.8f, 0, 0, 100, 100), det("RBC", 0.9f, 0, 10, 100, 110)));
        assertEquals(51.0 / 101, evaluator.evaluate().ap50(), TOLERANCE);
    }

    @Test
    void onlyTheHundredBestDetectionsPerImageAndClassCount() {
        // 99 false positives score above the one hit: it is the 100th, precision 1/100 at recall 1, and the
        // envelope carries 1/100 to every recall point: AP50 = 0.01. With a 100th false positive it is cut: 0.
        List<Detection> dets = new ArrayList<>();
        for (int i = 0; i < 99; i++) {
            dets.add(det("RBC", 0.9f, 500, 500, 510, 510));
        }
        dets.add(det("RBC", 0.1f, 0, 0, 100, 100));
        evaluator.add(List.of(gt("RBC", 0, 0, 100, 100)), dets);
        assertEquals(0.01, evaluator.evaluate().ap50(), TOLERANCE);

        CocoEvaluator cut = new CocoEvaluator(CLASSES);
        dets.add(0, det("RBC", 0.9f, 500, 500, 510, 510));
        cut.add(List.of(gt("RBC", 0, 0, 100, 100)), dets);
        assertEquals(0, cut.evaluate().ap50(), TOLERANCE);
        assertEquals(0, cut.evaluate().ar100(), TOLERANCE);
    }

    @Test
    void detectionsAreRankedAcrossImages() {
        // Image 1: a miss at 0.9; image 2: a hit at 0.8. Across both: precision 0, 1/2 at recall 0, 1 →
        // envelope 1/2 at every point: AP 0.5.
        evaluator.add(List.of(), List.of(det("RBC", 0.9f, 0, 0, 100, 100)));
        evaluator.add(List.of(gt("RBC", 0, 0, 100, 100)), List.of(det("RBC", 0.8f, 0, 0, 100, 100)));
        assertEquals(0.5, evaluator.evaluate().ap(), TOLERANCE);
    }

    @Test
    void unknownClassesAreAnError() {
        assertThrows(IllegalArgumentException.class,
                () -> evaluator.add(List.of(gt("Neutrophil", 0, 0, 1, 1)), List.of()));
        assertThrows(IllegalArgumentException.class,
                () -> evaluator.add(List.of(), List.of(det("Neutrophil", 0.5f, 0, 0, 1, 1))));
    }
}
