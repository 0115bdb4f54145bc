package org.bloodcells.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class DatasetSplitTest {

    @Test
    void anImageKeepsItsSplitWhateverElseIsExported() {
        assertEquals(DatasetSplit.of("image-a", 15, 15), DatasetSplit.of("image-a", 15, 15));
        for (int i = 0; i < 200; i++) {
            String id = "id-" + i;
            DatasetSplit narrow = DatasetSplit.of(id, 10, 10);
            DatasetSplit wide = DatasetSplit.of(id, 10, 30);
            if (narrow == DatasetSplit.TEST) {
                assertEquals(DatasetSplit.TEST, wide, "a test image stays test when the test share grows: " + id);
            }
        }
    }

    @Test
    void sharesFollowTheAskedPercentages() {
        Map<DatasetSplit, Integer> counts = new EnumMap<>(DatasetSplit.class);
        for (int i = 0; i < 10_000; i++) {
            counts.merge(DatasetSplit.of(Integer.toHexString(i * 7919), 20, 10), 1, Integer::sum);
        }
        assertTrue(Math.abs(counts.get(DatasetSplit.TEST) - 1000) < 150, counts.toString());
        assertTrue(Math.abs(counts.get(DatasetSplit.VAL) - 2000) < 200, counts.toString());
        assertTrue(Math.abs(counts.get(DatasetSplit.TRAIN) - 7000) < 300, counts.toString());
    }

    @Test
    void refusesSplitsThatLeaveNothingToTrainOn() {
        assertThrows(IllegalArgumentException.class, () -> DatasetSplit.of("x", 50, 50));
    }
}
