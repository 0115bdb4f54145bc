package org.bloodcells.detection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BoxDecoderTest {

    /** S = 64, level 4 only, one 64×64 anchor per cell: anchor 0 is centred at (8, 8), anchor 5 at (24, 24). */
    private final BoxDecoder decoder = new BoxDecoder(
            AnchorGrid.of(64, new int[] {4}, 4.0, new double[] {1}, new double[][] {{1, 1}}));
    private final float[] box = new float[4];

    private boolean decode(int anchor, Letterbox letterbox, float ty, float tx, float th, float tw) {
        return decode(anchor, letterbox, Flip.NONE, ty, tx, th, tw);
    }

    private boolean decode(int anchor, Letterbox letterbox, Flip view, float ty, float tx, float th, float tw) {
        float[] regression = new float[16 * 4 + 4];
        // The block of this image starts 4 floats in, as for the second image of a batch.
        regression[4 + anchor * 4] = ty;
        regression[4 + anchor * 4 + 1] = tx;
        regression[4 + anchor * 4 + 2] = th;
        regression[4 + anchor * 4 + 3] = tw;
        return decoder.decode(regression, 4, anchor, letterbox, view, box);
    }

    @Test
    void zeroRegressionGivesTheAnchorItself() {
        assertTrue(decode(5, Letterbox.of(64, 64, 64), 0, 0, 0, 0));
        assertArrayEquals(new float[] {0, 0, 56, 56}, box);
    }

    @Test
    void offsetsAreInAnchorSizesAndSizesInLogSpace() {
        // ty 0.25 moves the centre down by 16 to y 40 (box 8..72); tw ln 0.5 halves the width to 32 around x 24.
        assertTrue(decode(5, Letterbox.of(64, 64, 64), 0.25f, 0, 0, (float) Math.log(0.5)));
        assertArrayEquals(new float[] {8, 8, 40, 64}, box, 1e-4f); // 72 clipped to the image
    }

    @Test
    void boxesAreMappedBackByTheLetterboxScaleAndClippedToTheImage() {
        // A 256×128 image was shrunk by 0.25: input box (−8, −8, 56, 56) → (−32, −32, 224, 224) → clipped.
        assertTrue(decode(5, Letterbox.of(256, 128, 64), 0, 0, 0, 0));
        assertArrayEquals(new float[] {0, 0, 224, 128}, box);
    }

    @Test
    void aBoxWhollyOnThePaddingHasNoArea() {
        // 64×16 image fills rows 0..15 of the input; anchor 10 (row 2) is centred at y 40, reaching up to y 8, so
        // moving it down by half its height (ty 0.5) puts it at y 40..104, below the image.
        assertFalse(decode(10, Letterbox.of(64, 16, 64), 0.5f, 0, 0, 0));
    }

    @Test
    void boxesFoundOnAFlippedViewAreFlippedBackWithinTheImageBeforeScaling() {
        // A 128×96 image shrunk by 0.5 fills the top-left 64×48 of the canvas. Anchor 5 with ty 0.25, tw ln 0.5 is
        // (8, 8, 40, 72) on the canvas. Seen on the left-right mirror it is (64 − 40, 8, 64 − 8, 72) =
        // (24, 8, 56, 72); on the top-bottom mirror (8, 48 − 72, 40, 48 − 8) = (8, −24, 40, 40); then doubled and
        // clipped to the image.
        Letterbox half = Letterbox.of(128, 96, 64);
        assertTrue(decode(5, half, Flip.HORIZONTAL, 0.25f, 0, 0, (float) Math.log(0.5)));
        assertArrayEquals(new float[] {48, 16, 112, 96}, box, 1e-4f);
        assertTrue(decode(5, half, Flip.VERTICAL, 0.25f, 0, 0, (float) Math.log(0.5)));
        assertArrayEquals(new float[] {16, 0, 80, 80}, box, 1e-4f);
        assertTrue(decode(5, half, Flip.BOTH, 0.25f, 0, 0, (float) Math.log(0.5)));
        assertArrayEquals(new float[] {48, 0, 112, 80}, box, 1e-4f);
    }
}
