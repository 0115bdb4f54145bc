package org.bloodcells.detection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

class TilePlanTest {

    @Test
    void anImageThatFitsTheInputAtItsScaleIsOneTile() {
        List<TilePlan.Tile> tiles = TilePlan.plan(600, 450, 0.9, 576, 260);
        assertEquals(1, tiles.size());
        TilePlan.Tile tile = tiles.get(0);
        assertEquals(List.of(0, 0, 600, 450), List.of(tile.x(), tile.y(), tile.width(), tile.height()));
        assertTrue(tile.holds(new Detection("RBC", 1, 590, 440, 600, 450)));
    }

    @Test
    void aScannerFieldIsCoveredByTilesThatFitTheInputAndOverlapByTheGivenMargin() {
        int width = 2400;
        int height = 1800;
        List<TilePlan.Tile> tiles = TilePlan.plan(width, height, 0.9, 576, 260);
        assertTrue(tiles.size() > 1);
        for (TilePlan.Tile t : tiles) {
            assertTrue(t.x() >= 0 && t.y() >= 0 && t.x() + t.width() <= width && t.y() + t.height() <= height, "" + t);
            assertTrue(Math.rint(t.width() * 0.9) <= 576 && Math.rint(t.height() * 0.9) <= 576, "fits the input " + t);
        }
        // every point of the image lies in exactly one core
        Random random = new Random(1);
        for (int i = 0; i < 5000; i++) {
            float x = random.nextFloat() * width;
            float y = random.nextFloat() * height;
            Detection point = new Detection("RBC", 1, x, y, x, y);
            assertEquals(1, tiles.stream().filter(t -> t.holds(point)).count(), "cores at " + x + "," + y);
        }
    }

    @Test
    void aCellNoWiderThanTheOverlapLiesWholeInTheTileWhoseCoreHoldsIt() {
        int overlap = 260;
        List<TilePlan.Tile> tiles = TilePlan.plan(3000, 2000, 0.9, 576, overlap);
        Random random = new Random(2);
        for (int i = 0; i < 5000; i++) {
            float side = 20 + random.nextFloat() * (overlap - 20);
            float x = random.nextFloat() * (3000 - side);
            float y = random.nextFloat() * (2000 - side);
            Detection cell = new Detection("WBC", 1, x, y, x + side, y + side);
            TilePlan.Tile home = tiles.stream().filter(t -> t.holds(cell)).findFirst().orElseThrow();
            assertTrue(cell.x1() >= home.x() && cell.x2() <= home.x() + home.width() && cell.y1() >= home.y()
                    && cell.y2() <= home.y() + home.height(), cell + " cut by " + home);
        }
    }
}
