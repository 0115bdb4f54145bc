package org.bloodcells.detection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class DetectorSettingsTest {

    private static final DetectorSettings WORKERS = new DetectorSettings(0.3, 0.5, 200, 2, 0.8, 0.5);

    @Test
    void eachWitherChangesOneSetting() {
        assertEquals(new DetectorSettings(0.001, 0.5, 200, 2, 0.8, 0.5), WORKERS.withScoreThreshold(0.001));
        assertEquals(new DetectorSettings(0.3, 0.6, 200, 2, 0.8, 0.5), WORKERS.withNmsIouThreshold(0.6));
        assertEquals(new DetectorSettings(0.3, 0.5, 100, 2, 0.8, 0.5), WORKERS.withMaxDetections(100));
        assertEquals(new DetectorSettings(0.3, 0.5, 200, 4, 0.8, 0.5), WORKERS.withTestTimeFlips(4));
        assertEquals(new DetectorSettings(0.3, 0.5, 200, 2, 0, 0.5), WORKERS.withBoxVotingIou(0));
        assertEquals(new DetectorSettings(0.3, 0.5, 200, 2, 0.8, 0), WORKERS.withSoftNmsSigma(0));
    }

    @Test
    void describesItselfForLogs() {
        assertEquals("score > 0.3, 2 views, box voting IoU 0.8, soft-NMS sigma 0.5, at most 200 detections",
                WORKERS.describe());
        assertEquals("score > 0.3, 1 view, box voting off, greedy NMS IoU 0.5, at most 200 detections",
                SyntheticModel.PLAIN.describe());
    }

    @Test
    void refusesSettingsThatCannotWork() {
        assertThrows(IllegalArgumentException.class, () -> WORKERS.withScoreThreshold(1.5));
        assertThrows(IllegalArgumentException.class, () -> WORKERS.withScoreThreshold(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> WORKERS.withNmsIouThreshold(0));
        assertThrows(IllegalArgumentException.class, () -> WORKERS.withMaxDetections(0));
        assertThrows(IllegalArgumentException.class, () -> WORKERS.withTestTimeFlips(3));
        assertThrows(IllegalArgumentException.class, () -> WORKERS.withBoxVotingIou(-0.1));
        assertThrows(IllegalArgumentException.class, () -> WORKERS.withBoxVotingIou(1.1));
        assertThrows(IllegalArgumentException.class, () -> WORKERS.withSoftNmsSigma(-0.5));
        assertThrows(IllegalArgumentException.class, () -> WORKERS.withSoftNmsSigma(Double.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> WORKERS.withSoftNmsSigma(Double.NaN));
    }
}
