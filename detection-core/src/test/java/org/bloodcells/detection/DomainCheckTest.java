package org.bloodcells.detection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class DomainCheckTest {

    static final ModelDomain DOMAIN = new ModelDomain(0.08, "RBC", 7.5, Map.of(),
            new float[] {200, 170, 180}, new float[] {10, 10, 10}, 0.3);
    static final float[] TYPICAL = {205, 165, 182};

    private static List<Detection> scored(int confident, int unsure) {
        List<Detection> found = new ArrayList<>();
        for (int i = 0; i < confident + unsure; i++) {
            found.add(new Detection("RBC", i < confident ? 0.9f : 0.35f, i, i, i + 10, i + 10));
        }
        return found;
    }

    private static ScaleReport at(double mpp, ImageScale.Source source) {
        return new ScaleReport(new ImageScale(mpp, source), 1, 1);
    }

    @Test
    void anImageLikeTheTrainingImagesHasNoReason() {
        assertEquals(List.of(), DomainCheck.reasons(DOMAIN, 0.3, at(0.08, ImageScale.Source.ESTIMATED), TYPICAL,
                scored(20, 2)));
    }

    @Test
    void anUnknownOrTooCoarseScaleIsAReason() {
        List<String> unknown = DomainCheck.reasons(DOMAIN, 0.3, new ScaleReport(ImageScale.unknown(), 1, 1), TYPICAL,
                scored(20, 2));
        assertEquals(1, unknown.size());
        assertTrue(unknown.get(0).startsWith("scale unknown"), unknown.get(0));
        List<String> coarse = DomainCheck.reasons(DOMAIN, 0.3, at(0.25, ImageScale.Source.DECLARED), TYPICAL,
                scored(20, 2));
        assertEquals(List.of("scale too coarse: 0.250 µm per pixel (declared), the model runs at 0.080"), coarse);
    }

    @Test
    void aColourFarFromTheTrainingImagesIsAReason() {
        List<String> reasons = DomainCheck.reasons(DOMAIN, 0.3, at(0.08, ImageScale.Source.FILE),
                new float[] {150, 170, 180}, scored(20, 2));
        assertEquals(1, reasons.size());
        assertTrue(reasons.get(0).startsWith("colour unlike the training images: mean RGB 150,170,180 against "
                + "200,170,180"), reasons.get(0));
    }

    @Test
    void moreUnsureCellsThanAnyTrainingImageHadIsAReasonOnceThereAreEnoughCells() {
        List<String> reasons = DomainCheck.reasons(DOMAIN, 0.3, at(0.08, ImageScale.Source.ESTIMATED), TYPICAL,
                scored(10, 10));
        assertEquals(List.of("confidence unlike the training images: 50% of 20 cells scored below 0.5 (training "
                + "images at most 30%)"), reasons);
        assertEquals(List.of(), DomainCheck.reasons(DOMAIN, 0.3, at(0.08, ImageScale.Source.ESTIMATED), TYPICAL,
                scored(4, 5)), "9 cells tell no profile");
    }

    @Test
    void aModelWithoutTheFiguresChecksNothing() {
        assertEquals(List.of(), DomainCheck.reasons(ModelDomain.NONE, 0.3, new ScaleReport(ImageScale.unknown(), 1,
                1), new float[] {0, 0, 0}, scored(0, 30)));
    }
}
