package org.bloodcells.detection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ScaleEstimateTest {

    static final ModelDomain DOMAIN = new ModelDomain(0.08, "RBC", 7.5, Map.of(), List.of(), Double.NaN);

    private static Detection cell(String cls, float score, float x, float y, float side) {
        return new Detection(cls, score, x, y, x + side, y + side);
    }

    @Test
    void theScaleIsTheReferenceDiameterOverTheMedianConfidentReferenceCell() {
        List<Detection> found = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            found.add(cell("RBC", 0.9f, 10 + i * 60, 100, 40 + i));    // diameters 40..46, median 43
        }
        found.add(cell("RBC", 0.4f, 100, 300, 200));                     // unsure: left out
        found.add(cell("WBC", 0.9f, 200, 300, 150));                     // another class: left out
        found.add(cell("RBC", 0.9f, 0, 300, 300));                       // cut by the edge: left out
        assertEquals(7.5 / 43, ScaleEstimate.micronsPerPixel(found, DOMAIN, 640, 480), 1e-9);
    }

    @Test
    void fewerThanThreeConfidentReferenceCellsTellNoScale() {
        List<Detection> found = List.of(cell("RBC", 0.9f, 10, 10, 40), cell("RBC", 0.9f, 60, 10, 40),
                cell("RBC", 0.2f, 210, 10, 40), cell("RBC", 0.9f, 0, 100, 40));
        assertTrue(Double.isNaN(ScaleEstimate.micronsPerPixel(found, DOMAIN, 640, 480)));
    }
}
