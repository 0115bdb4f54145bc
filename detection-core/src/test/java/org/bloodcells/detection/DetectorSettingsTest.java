package org.bloodcells.detection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class DetectorSettingsTest {

    @Test
    void defaultsAreForCountingCells() {
        assertEquals(new DetectorSettings(0.3, 0.5, 200, 2), DetectorSettings.defaults());
    }

    @Test
    void defaultsRunOneViewWithoutVotingAndWithGreedyNms() {
        assertEquals(1, DetectorSettings.defaults().testTimeFlips());
        assertEquals(0, DetectorSettings.defaults().boxVotingIou());
        assertEquals(0, DetectorSettings.defaults().softNmsSigma());
        assertEquals(new DetectorSettings(0.3, 0.5, 200, 2, 4, 0.8, 0.5),
                DetectorSettings.defaults().withTestTimeAugmentation(4, 0.8).withSoftNms(0.5));
    }

    @Test
    void refusesSettingsThatCannotWork() {
        assertThrows(IllegalArgumentException.class, () -> new DetectorSettings(1.5, 0.5, 200, 2));
        assertThrows(IllegalArgumentException.class, () -> new DetectorSettings(Double.NaN, 0.5, 200, 2));
        assertThrows(IllegalArgumentException.class, () -> new DetectorSettings(0.3, 0, 200, 2));
        assertThrows(IllegalArgumentException.class, () -> new DetectorSettings(0.3, 0.5, 0, 2));
        assertThrows(IllegalArgumentException.class, () -> new DetectorSettings(0.3, 0.5, 200, 0));
        DetectorSettings settings = DetectorSettings.defaults();
        assertThrows(IllegalArgumentException.class, () -> settings.withTestTimeAugmentation(3, 0));
        assertThrows(IllegalArgumentException.class, () -> settings.withTestTimeAugmentation(4, -0.1));
        assertThrows(IllegalArgumentException.class, () -> settings.withTestTimeAugmentation(4, 1.1));
        assertThrows(IllegalArgumentException.class, () -> settings.withSoftNms(-0.5));
        assertThrows(IllegalArgumentException.class, () -> settings.withSoftNms(Double.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> settings.withSoftNms(Double.NaN));
    }
}
