package org.bloodcells.images;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class VocAnnotationTest {

    @Test
    void writesBoxesSizeAndScaleAsVocReadersExpect() {
        String xml = new VocAnnotation("cell&co.png", 256, 200, 0.147, "labelled",
                List.of(new VocAnnotation.Box("RBC", 1, 2.25, 30, 40)), List.of("Platelets")).toXml();
        assertTrue(xml.contains("<unlabelled>Platelets</unlabelled>"), xml);
        assertTrue(xml.contains("<filename>cell&amp;co.png</filename>"), xml);
        assertTrue(xml.contains("<width>256</width>") && xml.contains("<height>200</height>"), xml);
        assertTrue(xml.contains("<microns_per_pixel>0.147000</microns_per_pixel>"), xml);
        assertTrue(xml.contains("<name>RBC</name>") && xml.contains("<ymin>2.3</ymin>")
                && xml.contains("<xmax>30.0</xmax>"), xml);
    }

    @Test
    void leavesTheScaleOutWhenUnknown() {
        String xml = new VocAnnotation("a.jpg", 10, 10, null, null, List.of(), List.of()).toXml();
        assertTrue(!xml.contains("<scale>"), xml);
    }

    @Test
    void refusesAPathForAFileName() {
        assertThrows(IllegalArgumentException.class, () -> new VocAnnotation("../a.jpg", 10, 10, null, null, List.of(), List.of()));
    }
}
