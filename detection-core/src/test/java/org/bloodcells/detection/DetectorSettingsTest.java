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
    void defaultsRunOneViewWithoutVoting() {
        assertEquals(1, DetectorSettings.defaults().testTimeFlips());
        assertEquals(0, DetectorSettings.defaults().boxVotingIou());
        assertEquals(new DetectorSettings(0.3, 0.5, 200, 2, 4, 0.8),
                DetectorSettings.defaults().withTestTimeAugmentation(4, 0.8));
    }

    @Test
    void refusesSettingsThatCannotWork() {
        assertThrows(IllegalArgumentException.class, () -> new DetectorSettings(1.5, 0.5, 200, 2));
        assertThrows(IllegalArgumentException.class, () -> new DetectorSettings(Double.NaN, 0.5, 200, 2));
        assertThrows(IllegalArgumentException.class, () -> new DetectorSettings(0.3, 0, 200, 2));
        assertThrows(IllegalArgumentException.class, () -> new DetectorSettings(0.3, 0.5, 0, 2));
        assertThrows(IllegalArgumentException.class, () -> new DetectorSettings(0.3, 0.5, 200, 0));
        assertThrows(IllegalArgumentException.class, () -> new DetectorSettings(0.3, 0.5, 200, 2, 3, 0));
        assertThrows(IllegalArgumentException.class, () -> new DetectorSettings(0.3, 0.5, 200, 2, 4, -0.1));
        assertThrows(IllegalArgumentException.class, () -> new DetectorSettings(0.3, 0.5, 200, 2, 4, 1.1));
    }
}
