package org.bloodcells.results.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class SlideStatisticsTest {

    private static final List<String> CLASSES = List.of("RBC", "WBC", "Platelets");

    private static FieldCounts field(int rbc, int wbc, int platelets, Double micronsPerPixel) {
        return new FieldCounts("f", Map.of("RBC", rbc, "WBC", wbc, "Platelets", platelets), micronsPerPixel, 640,
                480);
    }

    @Test
    void overDispersedFieldsGiveAWiderIntervalThanAPoissonWould() {
        // WBC: mean 5 per field, but fields alternate 0 and 10 (variance 25, five times a Poisson's).
        List<FieldCounts> fields = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            fields.add(field(100, i % 2 == 0 ? 0 : 10, 5, null));
        }
        SlideStatistics.ClassResult wbc = SlideStatistics.of(fields, CLASSES).classes().get(1);
        assertEquals(100, wbc.total());
        assertEquals(5.0, wbc.meanPerField(), 1e-9);
        double poissonHalfWidth = 1.96 * Math.sqrt(5.0 / 20);
        double halfWidth = (wbc.meanInterval().high() - wbc.meanInterval().low()) / 2;
        // The fields' own spread: 1.96 · 5 / √20 ≈ 2.19, twice the Poisson's 0.98.
        assertTrue(halfWidth > 1.8 * poissonHalfWidth, halfWidth + " vs Poisson " + poissonHalfWidth);
        assertTrue(wbc.meanInterval().low() < 5 && 5 < wbc.meanInterval().high());
    }

    @Test
    void theSameFieldsAlwaysGiveTheSameInterval() {
        List<FieldCounts> fields = List.of(field(90, 1, 4, null), field(120, 3, 9, null), field(80, 0, 2, null));
        assertEquals(SlideStatistics.of(fields, CLASSES), SlideStatistics.of(fields, CLASSES));
    }

    @Test
    void plateletsPer100RedCellsAndConcentrationsFollowTheFormula() {
        // Two fields of 640 × 480 px at 0.1 µm/px: 3072 µm² each.
        List<FieldCounts> fields = List.of(field(20, 1, 2, 0.1), field(30, 0, 3, 0.1));
        SlideStatistics.Result result = SlideStatistics.of(fields, CLASSES);
        assertEquals(10.0, result.plateletsPer100Rbc().value(), 1e-9);
        assertEquals(6144.0, result.areaSquareMicrons(), 1e-6);
        // 50 RBC / (6144 µm² × 1.3 µm) × 10⁹ µm³/µL ≈ 6.26 million per µL
        double rbc = 50 / (6144 * 1.3) * 1e9;
        assertEquals(rbc, result.classes().get(0).perMicrolitre(), 1e-3);
        assertTrue(result.classes().get(0).perMicrolitreInterval().low() <= rbc);
    }

    @Test
    void withoutEveryFieldsScaleOrWithOneFieldThereIsNoConcentrationOrInterval() {
        SlideStatistics.Result mixed = SlideStatistics.of(List.of(field(20, 1, 2, 0.1), field(30, 0, 3, null)), CLASSES);
        assertNull(mixed.classes().get(0).perMicrolitre());
        SlideStatistics.Result one = SlideStatistics.of(List.of(field(20, 1, 2, 0.1)), CLASSES);
        assertNull(one.classes().get(0).meanInterval());
        SlideStatistics.Result noRbc = SlideStatistics.of(List.of(field(0, 1, 2, null), field(0, 1, 2, null)), CLASSES);
        assertNull(noRbc.plateletsPer100Rbc().value());
    }
}
