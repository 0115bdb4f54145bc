package org.bloodcells.detection;

import static org.junit.jupiter.api.Assertions.assertEquals;


import org.junit.jupiter.api.Test;

class AnchorGridTest {

    static final double[] SCALES = {1.0, Math.pow(2, 1 / 3.0), Math.pow(2, 2 / 3.0)};
    static final double[][] RATIOS = {{1.0, 1.0}, {1.4, 0.7}, {0.7, 1.4}};

    static AnchorGrid efficientDetD0() {
        return AnchorGrid.of(512, new int[] {3, 4, 5, 6, 7}, 4.0, SCALES, RATIOS);
    }

    @Test
    void efficientDetD0Has49104Anchors() {
        // (64² + 32² + 16² + 8² + 4²) locations × 3 scales × 3 ratios = 5456 × 9
        assertEquals(49104, efficientDetD0().size());
    }

    @Test
    void anchorsRunLevelRowColumnScaleRatio() {
        AnchorGrid grid = efficientDetD0();
        assertAnchor(grid, 0, 4, 4, 32, 32);                          // P3, (0,0), scale 1, ratio 1:1
        assertAnchor(grid, 1, 4, 4, 32 * 1.4, 32 * 0.7);              // ratio 1.4:0.7 is the inner loop
        assertAnchor(grid, 3, 4, 4, 32 * SCALES[1], 32 * SCALES[1]);  // then the next scale
        assertAnchor(grid, 9, 12, 4, 32, 32);                         // then the next column
        assertAnchor(grid, 64 * 9, 4, 12, 32, 32);                    // then the next row
        assertAnchor(grid, 64 * 64 * 9, 8, 8, 64, 64);                // P4 starts after 4096 locations
        int last = grid.size() - 1;                                   // P7 (stride 128), (3,3), last scale, 0.7:1.4
        assertAnchor(grid, last, 448, 448, 512 * SCALES[2] * 0.7, 512 * SCALES[2] * 1.4);
    }

    @Test
    void featureMapsRoundUpWhenTheStrideDoesNotDivideTheInput() {
        // S = 100: ceil(100/8) = 13, then 7, 4, 2, 1 cells a side.
        AnchorGrid grid = AnchorGrid.of(100, new int[] {3, 4, 5, 6, 7}, 4.0, new double[] {1}, new double[][] {{1, 1}});
        assertEquals(13 * 13 + 7 * 7 + 4 * 4 + 2 * 2 + 1, grid.size());
    }

    @Test
    void builtFromTheModelMetadata() {
        ModelMetadata metadata = ModelMetadata.parse(ModelMetadataTest.contractExample());
        // S = 576: 72, 36, 18, 9 and 5 cells a side, 9 anchors each.
        assertEquals((72 * 72 + 36 * 36 + 18 * 18 + 9 * 9 + 5 * 5) * 9, AnchorGrid.of(metadata).size());
    }

    private static void assertAnchor(AnchorGrid grid, int i, double cx, double cy, double w, double h) {
        assertEquals(cx, grid.centreX(i), 1e-3, "cx of " + i);
        assertEquals(cy, grid.centreY(i), 1e-3, "cy of " + i);
        assertEquals(w, grid.width(i), 1e-3, "w of " + i);
        assertEquals(h, grid.height(i), 1e-3, "h of " + i);
    }
}
