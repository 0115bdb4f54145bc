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
    void refusesSettingsThatCannotWork() {
        assertThrows(IllegalArgumentException.class, () -> new DetectorSettings(1.5, 0.5, 200, 2));
        assertThrows(IllegalArgumentException.class, () -> new DetectorSettings(Double.NaN, 0.5, 200, 2));
        assertThrows(IllegalArgumentException.class, () -> new DetectorSettings(0.3, 0, 200, 2));
        assertThrows(IllegalArgumentException.class, () -> new DetectorSettings(0.3, 0.5, 0, 2));
        assertThrows(IllegalArgumentException.class, () -> new DetectorSettings(0.3, 0.5, 200, 0));
    }
}
