package org.bloodcells.detection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class PostProcessorTest {

    /** S = 64, level 4: 4×4 cells, one 64×64 anchor each; anchor i is centred at (8 + 16·(i%4), 8 + 16·(i/4)). */
    private static final AnchorGrid GRID = AnchorGrid.of(64, new int[] {4}, 4.0, new double[] {1},
            new double[][] {{1, 1}});
    private static final List<String> CLASSES = List.of("RBC", "WBC");
    private static final Letterbox SAME_SIZE = Letterbox.of(64, 64, 64);
    private static final List<Flip> ONE_VIEW = List.of(Flip.NONE);

    private final float[] scores = new float[16 * 2];
    private final float[] regression = new float[16 * 4];

    private List<Detection> detect(DetectorSettings settings) {
        return new PostProcessor(GRID, CLASSES, settings).detections(scores, regression, 0, ONE_VIEW, SAME_SIZE);
    }

    @Test
    void keepsScoresAboveTheThresholdOnly() {
        scores[0] = 0.3f;        // anchor 0, RBC: equal to the threshold, dropped
        scores[2 * 15 + 1] = 0.31f;  // anchor 15, WBC: centre (56, 56), (24, 24, 88, 88) clipped to the image
        List<Detection> found = detect(SyntheticModel.PLAIN);
        assertEquals(List.of(new Detection("WBC", 0.31f, 24, 24, 64, 64)), found);
    }

    @Test
    void suppressesOverlapsWithinAClassOnly() {
        // Anchors 5 and 6 are centred at (24, 24) and (40, 24): boxes (0, 0, 56, 56) and (8, 0, 64, 56) after
        // clipping, IoU 48·56 / (56·56 + 56·56 − 48·56) = 2688 / 3584 = 0.75.
        scores[2 * 5] = 0.9f;
        scores[2 * 6] = 0.8f;      // same class → suppressed
        scores[2 * 6 + 1] = 0.7f;  // other class → kept
        assertEquals(List.of(new Detection("RBC", 0.9f, 0, 0, 56, 56), new Detection("WBC", 0.7f, 8, 0, 64, 56)),
                detect(SyntheticModel.PLAIN));
    }

    @Test
    void returnsTheBestMaxDetectionsOverAllClasses() {
        scores[2 * 0] = 0.5f;
        scores[2 * 15 + 1] = 0.9f;
        scores[2 * 5 + 1] = 0.4f; // anchors 0, 5 and 15 do not overlap by more than 0.5 once clipped
        List<Detection> found = detect(SyntheticModel.PLAIN.withMaxDetections(2));
        assertEquals(List.of(0.9f, 0.5f), found.stream().map(Detection::score).toList());
    }

    @Test
    void onlyTheBest5000CandidatesEnterNms() {
        // S = 512, level 3: 4096 anchors × 2 classes = 8192 candidates, every score distinct and above threshold.
        // With NMS unable to suppress (IoU never exceeds 1) exactly the 5000 best come out.
        AnchorGrid grid = AnchorGrid.of(512, new int[] {3}, 4.0, new double[] {1}, new double[][] {{1, 1}});
        float[] many = new float[4096 * 2];
        for (int p = 0; p < many.length; p++) {
            many[p] = 0.5f + p * 1e-5f;
        }
        DetectorSettings settings = new DetectorSettings(0.001, 1.0, 10_000, 1, 0, 0);
        List<Detection> found = new PostProcessor(grid, CLASSES, settings)
                .detections(many, new float[4096 * 4], 0, ONE_VIEW, Letterbox.of(512, 512, 512));
        assertEquals(PostProcessor.PRE_NMS_TOP_K, found.size());
        assertEquals(many[many.length - 1], found.get(0).score());
        assertEquals(many[many.length - PostProcessor.PRE_NMS_TOP_K], found.get(found.size() - 1).score());
    }

    @Test
    void readsTheImagesOwnBlockOfABatch() {
        float[] batchScores = new float[2 * 16 * 2];
        float[] batchBoxes = new float[2 * 16 * 4];
        batchScores[16 * 2 + 2 * 3 + 1] = 0.6f;  // image 1, anchor 3, WBC
        batchBoxes[16 * 4 + 3 * 4 + 2] = (float) Math.log(0.5); // image 1, anchor 3: half as tall
        List<Detection> found = new PostProcessor(GRID, CLASSES, SyntheticModel.PLAIN)
                .detections(batchScores, batchBoxes, 1, ONE_VIEW, SAME_SIZE);
        assertEquals(List.of(new Detection("WBC", 0.6f, 24, 0, 64, 24)), found);
    }

    @Test
    void countsEveryClassInOrder() {
        PostProcessor post = new PostProcessor(GRID, CLASSES, SyntheticModel.PLAIN);
        Map<String, Integer> counts = post.counts(List.of(new Detection("WBC", 0.5f, 0, 0, 1, 1),
                new Detection("WBC", 0.4f, 2, 2, 3, 3)));
        assertEquals(List.of(Map.entry("RBC", 0), Map.entry("WBC", 2)), List.copyOf(counts.entrySet()));
    }

    @Test
    void boxesFromEveryViewArePooledFlippedBackAndSuppressedTogether() {
        // Block 0 is the image as is, block 1 its left-right mirror. Anchor 3 of the mirror (centre (56, 8)) is
        // anchor 0 of the image (centre (8, 8)): its box comes back as (0, 0, 40, 40) and suppresses the weaker
        // box that the plain view found at the same place.
        float[] twoScores = new float[2 * 16 * 2];
        float[] twoBoxes = new float[2 * 16 * 4];
        twoScores[0] = 0.6f;                 // view 0, anchor 0, RBC
        twoScores[16 * 2 + 2 * 3] = 0.8f;    // view 1, anchor 3, RBC
        List<Detection> found = new PostProcessor(GRID, CLASSES, SyntheticModel.PLAIN)
                .detections(twoScores, twoBoxes, 0, List.of(Flip.NONE, Flip.HORIZONTAL), SAME_SIZE);
        assertEquals(List.of(new Detection("RBC", 0.8f, 0, 0, 40, 40)), found);
    }

    @Test
    void boxVotingAveragesTheOverlappingCandidatesByScore() {
        // The boxes of anchors 5 and 6 overlap by IoU 0.75 (see above): with voting from 0.7 the kept box becomes
        // (0.9·(0, 0, 56, 56) + 0.8·(8, 0, 64, 56)) / 1.7 and keeps its score; from 0.8 it stays as it was.
        scores[2 * 5] = 0.9f;
        scores[2 * 6] = 0.8f;
        List<Detection> voted = detect(SyntheticModel.PLAIN.withBoxVotingIou(0.7));
        assertEquals(1, voted.size());
        Detection d = voted.get(0);
        assertEquals(0.9f, d.score());
        assertArrayEquals(new float[] {6.4f / 1.7f, 0, 101.6f / 1.7f, 56}, new float[] {d.x1(), d.y1(), d.x2(), d.y2()},
                1e-4f);
        assertEquals(List.of(new Detection("RBC", 0.9f, 0, 0, 56, 56)),
                detect(SyntheticModel.PLAIN.withBoxVotingIou(0.8)));
    }

    @Test
    void boxVotingIgnoresOtherClasses() {
        scores[2 * 5] = 0.9f;
        scores[2 * 6 + 1] = 0.8f;  // WBC at anchor 6
        List<Detection> found = detect(SyntheticModel.PLAIN.withBoxVotingIou(0.5));
        assertEquals(List.of(new Detection("RBC", 0.9f, 0, 0, 56, 56), new Detection("WBC", 0.8f, 8, 0, 64, 56)),
                found);
    }

    @Test
    void softNmsKeepsAnOverlappingCellWithADecayedScore() {
        // Anchors 5 and 6: IoU 0.75 (see above). Greedy NMS removes the second box; soft-NMS with sigma 1 keeps it
        // at 0.8 · exp(−0.5625) = 0.456, and with sigma 0.5 drops it: 0.8 · exp(−1.125) = 0.260 is below 0.3.
        scores[2 * 5] = 0.9f;
        scores[2 * 6] = 0.8f;
        List<Detection> soft = detect(SyntheticModel.PLAIN.withSoftNmsSigma(1.0));
        assertEquals(2, soft.size());
        assertEquals(new Detection("RBC", 0.9f, 0, 0, 56, 56), soft.get(0));
        assertEquals(0.8 * Math.exp(-0.5625), soft.get(1).score(), 1e-6);
        assertArrayEquals(new float[] {8, 0, 64, 56},
                new float[] {soft.get(1).x1(), soft.get(1).y1(), soft.get(1).x2(), soft.get(1).y2()});
        assertEquals(List.of(new Detection("RBC", 0.9f, 0, 0, 56, 56)),
                detect(SyntheticModel.PLAIN.withSoftNmsSigma(0.5)));
    }
}
