package org.bloodcells.detection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

class FlipTest {

    /** Two channels of a 3×3 canvas, values 0..17 in CHW order. */
    private static final float[] CHW = new float[18];

    static {
        for (int i = 0; i < CHW.length; i++) {
            CHW[i] = i;
        }
    }

    @Test
    void horizontalMirrorsEveryRowOfEveryChannel() {
        assertArrayEquals(new float[] {2, 1, 0, 5, 4, 3, 8, 7, 6, 11, 10, 9, 14, 13, 12, 17, 16, 15},
                Flip.HORIZONTAL.apply(CHW, 3, 3, 3));
    }

    @Test
    void verticalReversesTheRowsOfEveryChannel() {
        assertArrayEquals(new float[] {6, 7, 8, 3, 4, 5, 0, 1, 2, 15, 16, 17, 12, 13, 14, 9, 10, 11},
                Flip.VERTICAL.apply(CHW, 3, 3, 3));
    }

    @Test
    void onlyTheImageAreaIsMirroredAndThePaddingStaysBottomRight() {
        // The image fills the top-left 2×2 of each 3×3 plane; column 2 and row 2 are padding.
        assertArrayEquals(new float[] {4, 3, 2, 1, 0, 5, 6, 7, 8, 13, 12, 11, 10, 9, 14, 15, 16, 17},
                Flip.BOTH.apply(CHW, 3, 2, 2));
    }

    @Test
    void bothIsHorizontalThenVerticalAndEveryViewUndoesItself() {
        assertArrayEquals(Flip.VERTICAL.apply(Flip.HORIZONTAL.apply(CHW, 3, 3, 2), 3, 3, 2),
                Flip.BOTH.apply(CHW, 3, 3, 2));
        for (Flip view : Flip.values()) {
            assertArrayEquals(CHW, view.apply(view.apply(CHW, 3, 2, 3), 3, 2, 3), view.name());
        }
    }

    @Test
    void viewsComeInTheTrainersOrder() {
        assertEquals(List.of(Flip.NONE), Flip.first(1));
        assertEquals(List.of(Flip.NONE, Flip.HORIZONTAL), Flip.first(2));
        assertEquals(List.of(Flip.NONE, Flip.HORIZONTAL, Flip.VERTICAL, Flip.BOTH), Flip.first(4));
    }

    @Test
    void coordinatesAreMirroredWithinTheImage() {
        assertEquals(54f, Flip.HORIZONTAL.x(10, 64));
        assertEquals(10f, Flip.HORIZONTAL.y(10, 48));
        assertEquals(38f, Flip.VERTICAL.y(10, 48));
        assertEquals(10f, Flip.NONE.x(10, 64));
    }
}
