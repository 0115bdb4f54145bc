package org.bloodcells.results.review;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.bloodcells.events.DetectedCell;
import org.bloodcells.results.config.ReviewConfig;
import org.bloodcells.results.service.CellClass;
import org.junit.jupiter.api.Test;

class ReviewFlagsTest {

    private static final ReviewConfig CONFIG = new ReviewConfig() {
        @Override
        public double confidentScore() {
            return 0.5;
        }

        @Override
        public int uncertainCells() {
            return 3;
        }

        @Override
        public double outlierDeviations() {
            return 3.5;
        }

        @Override
        public int outlierMinImages() {
            return 5;
        }

        @Override
        public int datasetMinImages() {
            return 10;
        }
    };

    private static List<DetectedCell> cells(double... scores) {
        List<DetectedCell> cells = new ArrayList<>();
        for (double score : scores) {
            cells.add(new DetectedCell("RBC", score, 0, 0, 10, 10));
        }
        return cells;
    }

    @Test
    void manyUncertainCountedCellsFlagTheImage() {
        List<String> flags = ReviewFlags.of(cells(0.9, 0.45, 0.4, 0.35, 0.2), c -> c.score() >= 0.3, List.of(),
                Map.of(), Map.of(), CONFIG);
        assertEquals(List.of("uncertain: 3 counted cells scored below 0.50"), flags);
    }

    @Test
    void uncertainCellsBelowTheCountThresholdDoNotCount() {
        assertEquals(List.of(), ReviewFlags.of(cells(0.45, 0.25, 0.2, 0.1), c -> c.score() >= 0.3, List.of(),
                Map.of(), Map.of(), CONFIG));
    }

    @Test
    void theWorkersOutOfDistributionReasonsAreAFlag() {
        assertEquals(List.of("out of distribution: scale: 0.2 µm/px; colour: pale"), ReviewFlags.of(List.of(),
                c -> true, List.of("scale: 0.2 µm/px", "colour: pale"), Map.of(), Map.of(), CONFIG));
    }

    @Test
    void aCountFarFromTheSlidesOtherImagesIsAnOutlier() {
        Map<CellClass, int[]> peers = Map.of(CellClass.WBC, new int[] { 1, 0, 1, 2, 1, 1 },
                CellClass.RBC, new int[] { 40, 42, 38, 41, 45, 39 });
        List<String> flags = ReviewFlags.of(List.of(), c -> true, List.of(), Map.of("WBC", 9, "RBC", 44), peers,
                CONFIG);
        assertEquals(List.of("outlier: WBC 9 where the slide's other 6 images have a median of 1"), flags);
    }

    @Test
    void smallCountsVaryWithoutBeingOutliers() {
        // Every other image has 0 WBC (no spread at all): 2 WBC is within counting noise (√0 + 1 per deviation).
        Map<CellClass, int[]> peers = Map.of(CellClass.WBC, new int[] { 0, 0, 0, 0, 0, 0 });
        assertEquals(List.of(), ReviewFlags.of(List.of(), c -> true, List.of(), Map.of("WBC", 2), peers, CONFIG));
        assertTrue(ReviewFlags.of(List.of(), c -> true, List.of(), Map.of("WBC", 4), peers, CONFIG).get(0)
                .startsWith("outlier: WBC 4"));
    }

    @Test
    void aSlideWithFewOtherImagesIsNotCompared() {
        Map<CellClass, int[]> peers = Map.of(CellClass.WBC, new int[] { 1, 1, 1, 1 });
        assertEquals(List.of(), ReviewFlags.of(List.of(), c -> true, List.of(), Map.of("WBC", 30), peers, CONFIG));
    }
}
