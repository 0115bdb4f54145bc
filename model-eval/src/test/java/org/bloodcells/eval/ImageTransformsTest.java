package org.bloodcells.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.List;

import org.junit.jupiter.api.Test;

class ImageTransformsTest {

    private static final List<GroundTruthBox> CELLS = List.of(new GroundTruthBox("RBC", 10, 20, 110, 120),
            new GroundTruthBox("WBC", 300, 220, 340, 260));

    private static BufferedImage gradient() {
        BufferedImage image = new BufferedImage(640, 480, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < 480; y++) {
            for (int x = 0; x < 640; x++) {
                image.setRGB(x, y, (x * 255 / 639) << 16 | (y * 255 / 479) << 8 | 128);
            }
        }
        return image;
    }

    @Test
    void halfTheMagnificationShowsFourMirroredFieldsWithEveryCellAtHalfItsSize() {
        ImageTransforms.Transformed t = ImageTransforms.apply("zoom-0.5", gradient(), CELLS);
        assertEquals(640, t.image().getWidth());
        assertEquals(480, t.image().getHeight());
        assertEquals(8, t.boxes().size());
        assertTrue(t.boxes().contains(new GroundTruthBox("RBC", 5, 10, 55, 60)));
        assertTrue(t.boxes().contains(new GroundTruthBox("RBC", 640 - 55, 480 - 60, 640 - 5, 480 - 10)));
        assertEquals(0.5, t.zoom());
    }

    @Test
    void twiceTheMagnificationKeepsTheCellsOfTheCentreAtTwiceTheirSize() {
        ImageTransforms.Transformed t = ImageTransforms.apply("zoom-2", gradient(), CELLS);
        assertEquals(640, t.image().getWidth());
        // the crop is x 160..480, y 120..360: the RBC lies outside it, the WBC inside
        assertEquals(List.of(new GroundTruthBox("WBC", 280, 200, 360, 280)), t.boxes());
        int centre = t.image().getRGB(320, 240);
        int original = gradient().getRGB(320, 240);
        assertTrue(Math.abs((centre >> 16 & 0xFF) - (original >> 16 & 0xFF)) <= 2, "the centre stays the centre");
    }

    @Test
    void aStainOfTheSameAmountsLeavesTheColoursAndAStrongerHaematoxylinDarkensThem() {
        BufferedImage image = gradient();
        BufferedImage same = ImageTransforms.stain(image, 1, 1);
        int p = image.getRGB(200, 300);
        int q = same.getRGB(200, 300);
        for (int shift : new int[] {16, 8, 0}) {
            assertTrue(Math.abs((p >> shift & 0xFF) - (q >> shift & 0xFF)) <= 1);
        }
        BufferedImage darker = ImageTransforms.stain(image, 1.5, 1);
        assertTrue(brightness(darker) < brightness(image));
    }

    @Test
    void blurAndJpegKeepTheBoxesAndTheMeanColour() {
        for (String name : List.of("blur", "jpeg-30")) {
            ImageTransforms.Transformed t = ImageTransforms.apply(name, gradient(), CELLS);
            assertEquals(CELLS, t.boxes(), name);
            assertEquals(brightness(gradient()), brightness(t.image()), 1.5, name);
        }
        assertThrows(IllegalArgumentException.class, () -> ImageTransforms.apply("zoom-9", gradient(), CELLS));
    }

    private static double brightness(BufferedImage image) {
        long sum = 0;
        for (int y = 0; y < image.getHeight(); y += 4) {
            for (int x = 0; x < image.getWidth(); x += 4) {
                int p = image.getRGB(x, y);
                sum += (p >> 16 & 0xFF) + (p >> 8 & 0xFF) + (p & 0xFF);
            }
        }
        return sum / (3.0 * (image.getWidth() / 4) * (image.getHeight() / 4));
    }
}
