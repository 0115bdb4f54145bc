package org.bloodcells.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

class DeformedRedCellsTest {

    private static final int PLASMA = 0xF0E6DC;
    private static final int RED_CELL = 0xC85A5A;
    private static final int WHITE_CELL = 0x5A3C96;
    private static final int RADIUS = 20;

    /** A light field with round red cells of {@link #RADIUS} at these centres and a purple white cell at 320, 240. */
    private static BufferedImage field(int[][] redCentres) {
        BufferedImage image = new BufferedImage(640, 480, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < 480; y++) {
            for (int x = 0; x < 640; x++) {
                int colour = PLASMA;
                for (int[] c : redCentres) {
                    if (Math.hypot(x - c[0], y - c[1]) <= RADIUS) {
                        colour = RED_CELL;
                    }
                }
                if (Math.hypot(x - 320, y - 240) <= 30) {
                    colour = WHITE_CELL;
                }
                image.setRGB(x, y, colour);
            }
        }
        return image;
    }

    private static List<GroundTruthBox> boxes(int[][] redCentres) {
        List<GroundTruthBox> boxes = new ArrayList<>();
        for (int[] c : redCentres) {
            boxes.add(new GroundTruthBox("RBC", c[0] - RADIUS, c[1] - RADIUS, c[0] + RADIUS + 1, c[1] + RADIUS + 1));
        }
        boxes.add(new GroundTruthBox("WBC", 288, 208, 353, 273));
        return boxes;
    }

    private static final int[][] LONE_CELL = {{150, 150}};
    private static final int[][] CROWD = {{150, 150}, {180, 160}, {300, 200}, {500, 100}, {520, 380}, {90, 400}};

    @Test
    void everyRedCellStaysARedCellAndTheWhiteCellKeepsItsBoxAndEveryPixel() {
        BufferedImage image = field(CROWD);
        ImageTransforms.Transformed t = ImageTransforms.apply("abnormal-rbc", image, boxes(CROWD));
        assertEquals(CROWD.length, t.boxes().stream().filter(b -> b.cellClass().equals("RBC")).count());
        assertEquals(List.of(new GroundTruthBox("WBC", 288, 208, 353, 273)),
                t.boxes().stream().filter(b -> !b.cellClass().equals("RBC")).toList());
        for (int y = 208; y < 273; y++) {
            for (int x = 288; x < 353; x++) {
                assertEquals(image.getRGB(x, y), t.image().getRGB(x, y), "white cell pixel " + x + "," + y);
            }
        }
        assertEquals(640, t.image().getWidth());
        assertEquals(1.0, t.zoom());
    }

    @Test
    void aRoundRedCellBecomesOneAndAHalfToThreeTimesAsLongAsWideAndItsBoxHoldsIt() {
        for (long seed = 0; seed < 12; seed++) {
            ImageTransforms.Transformed t = DeformedRedCells.deform(field(LONE_CELL), boxes(LONE_CELL),
                    new Random(seed));
            List<int[]> cell = redPixels(t.image());
            double elongation = elongation(cell);
            assertTrue(elongation >= 1.4 && elongation <= 3.2, "seed " + seed + ": elongation " + elongation);
            assertEquals(Math.PI * RADIUS * RADIUS, cell.size(), 0.12 * Math.PI * RADIUS * RADIUS,
                    "seed " + seed + ": the cell keeps its area");
            GroundTruthBox box = t.boxes().get(0);
            long inside = cell.stream().filter(p -> p[0] >= box.x1() - 1 && p[0] <= box.x2() && p[1] >= box.y1() - 1
                    && p[1] <= box.y2()).count();
            assertTrue(inside >= 0.98 * cell.size(), "seed " + seed + ": the new box holds the deformed cell");
        }
    }

    @Test
    void aBentCellArchesItsMiddleOneWayAndItsEndsTheOtherLikeASickle() {
        DeformedRedCells.Shape straight = new DeformedRedCells.Shape(2.5, 0, 0, 1, 1);
        DeformedRedCells.Shape sickle = new DeformedRedCells.Shape(2.5, 0, DeformedRedCells.MAX_BEND, 1, 1);
        BufferedImage image = field(LONE_CELL);
        List<int[]> straightCell = redPixels(DeformedRedCells.deform(image, boxes(LONE_CELL),
                Arrays.asList(straight, null), new Random(1)).image());
        List<int[]> sickleCell = redPixels(DeformedRedCells.deform(image, boxes(LONE_CELL),
                Arrays.asList(sickle, null), new Random(1)).image());
        assertEquals(150, meanRow(straightCell, 150), 1);
        assertEquals(150, meanRow(straightCell, 175), 1);
        assertTrue(meanRow(sickleCell, 150) < 143, "the middle arches up: " + meanRow(sickleCell, 150));
        assertTrue(meanRow(sickleCell, 175) > 150, "the end bends down: " + meanRow(sickleCell, 175));
        assertEquals(straightCell.size(), sickleCell.size(), 0.1 * straightCell.size(), "bending keeps the area");
    }

    private static double meanRow(List<int[]> cell, int column) {
        return cell.stream().filter(p -> p[0] == column).mapToInt(p -> p[1]).average().orElseThrow();
    }

    @Test
    void theSameFieldIsDeformedTheSameWayEveryTimeAndAnotherSeedDeformsItOtherwise() {
        BufferedImage image = field(CROWD);
        ImageTransforms.Transformed once = ImageTransforms.apply("abnormal-rbc", image, boxes(CROWD));
        ImageTransforms.Transformed again = ImageTransforms.apply("abnormal-rbc", field(CROWD), boxes(CROWD));
        assertEquals(once.boxes(), again.boxes());
        assertTrue(samePixels(once.image(), again.image()));
        ImageTransforms.Transformed other = DeformedRedCells.deform(image, boxes(CROWD), new Random(99));
        assertNotEquals(once.boxes(), other.boxes());
    }

    @Test
    void aCellIsRecolouredAsTheStainWithinItsRangeWouldColourIt() {
        BufferedImage image = field(LONE_CELL);
        List<Integer> stained = new ArrayList<>();
        BufferedImage pixel = new BufferedImage(1, 1, BufferedImage.TYPE_3BYTE_BGR);
        pixel.setRGB(0, 0, RED_CELL);
        for (double h = DeformedRedCells.MIN_GAIN; h <= DeformedRedCells.MAX_GAIN + 1e-9; h += 0.01) {
            for (double e = DeformedRedCells.MIN_GAIN; e <= DeformedRedCells.MAX_GAIN + 1e-9; e += 0.01) {
                stained.add(ImageTransforms.stain(pixel, h, e).getRGB(0, 0));
            }
        }
        Set<Integer> colours = new HashSet<>();
        for (long seed = 0; seed < 8; seed++) {
            BufferedImage t = DeformedRedCells.deform(image, boxes(LONE_CELL), new Random(seed)).image();
            int[] p = centreOfCell(t);
            int seen = t.getRGB(p[0], p[1]);
            colours.add(seen);
            int nearest = stained.stream().mapToInt(q -> distance(q, seen)).min().orElseThrow();
            assertTrue(nearest <= 2, "seed " + seed + ": " + Integer.toHexString(seen) + " is no stain of the cell");
        }
        assertTrue(colours.size() > 4, "each cell its own stain: " + colours.size());
    }

    private static int distance(int p, int q) {
        int d = 0;
        for (int shift : new int[] {16, 8, 0}) {
            d = Math.max(d, Math.abs((p >> shift & 0xFF) - (q >> shift & 0xFF)));
        }
        return d;
    }

    /** A pixel deep inside the deformed cell: of its red pixels the one with the most red neighbours. */
    private static int[] centreOfCell(BufferedImage image) {
        List<int[]> cell = redPixels(image);
        Set<Long> set = new HashSet<>();
        cell.forEach(p -> set.add((long) p[1] * 640 + p[0]));
        int[] best = cell.get(0);
        int bestDepth = -1;
        for (int[] p : cell) {
            int depth = 0;
            while (depth < 10 && set.contains((long) p[1] * 640 + p[0] + depth + 1)
                    && set.contains((long) p[1] * 640 + p[0] - depth - 1)
                    && set.contains((long) (p[1] + depth + 1) * 640 + p[0])
                    && set.contains((long) (p[1] - depth - 1) * 640 + p[0])) {
                depth++;
            }
            if (depth > bestDepth) {
                bestDepth = depth;
                best = p;
            }
        }
        return best;
    }

    /** Pixels of the red cells: clearly darker than the plasma and not the white cell's purple. */
    private static List<int[]> redPixels(BufferedImage image) {
        List<int[]> cell = new ArrayList<>();
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int p = image.getRGB(x, y);
                int r = p >> 16 & 0xFF;
                int g = p >> 8 & 0xFF;
                int b = p & 0xFF;
                if (r + g + b < 560 && r > b + 20) {
                    cell.add(new int[] {x, y});
                }
            }
        }
        return cell;
    }

    /** Length over width of a blob of even width: π·length² / (4·area), the length its widest extent. */
    private static double elongation(List<int[]> cell) {
        double longest = 0;
        for (int k = 0; k < 180; k++) {
            double c = Math.cos(Math.PI * k / 180);
            double s = Math.sin(Math.PI * k / 180);
            double low = Double.MAX_VALUE;
            double high = -Double.MAX_VALUE;
            for (int[] p : cell) {
                double v = p[0] * c + p[1] * s;
                low = Math.min(low, v);
                high = Math.max(high, v);
            }
            longest = Math.max(longest, high - low + 1);
        }
        return Math.PI * longest * longest / (4 * cell.size());
    }

    private static boolean samePixels(BufferedImage a, BufferedImage b) {
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                if (a.getRGB(x, y) != b.getRGB(x, y)) {
                    return false;
                }
            }
        }
        return true;
    }
}
