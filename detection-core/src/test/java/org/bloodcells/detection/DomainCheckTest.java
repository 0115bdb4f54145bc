package org.bloodcells.detection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class DomainCheckTest {

    static final ModelDomain.ColourDomain BCCD = new ModelDomain.ColourDomain(ModelDomain.TRAINING,
            new float[] {200, 170, 180}, new float[] {10, 10, 10});
    static final ModelDomain DOMAIN = new ModelDomain(0.08, "RBC", 7.5, Map.of("WBC", 0.6), List.of(BCCD), 0.55);
    static final float[] TYPICAL = {205, 165, 182};
    static final float[] SITE_COLOUR = {150, 120, 160};

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

    private static final ScaleReport MEASURED = at(0.08, ImageScale.Source.ESTIMATED);

    @Test
    void anImageLikeTheTrainingImagesHasNoReasonAndLittleDoubt() {
        DomainCheck.Verdict verdict = DomainCheck.check(DOMAIN, 0.3, MEASURED, TYPICAL, scored(20, 2));
        assertEquals(List.of(), verdict.reasons());
        assertEquals(2 / 22.0, verdict.doubt(), 1e-9);
    }

    @Test
    void anUnknownOrTooCoarseScaleFlags() {
        List<String> unknown = DomainCheck.check(DOMAIN, 0.3, new ScaleReport(ImageScale.unknown(), 1, 1), TYPICAL,
                scored(20, 2)).reasons();
        assertEquals(1, unknown.size());
        assertTrue(unknown.get(0).startsWith("scale unknown"), unknown.get(0));
        List<String> coarse = DomainCheck.check(DOMAIN, 0.3, at(0.25, ImageScale.Source.DECLARED), TYPICAL,
                scored(20, 2)).reasons();
        assertEquals(List.of("scale too coarse: 0.250 µm per pixel (declared), the model runs at 0.080"), coarse);
    }

    @Test
    void aColourFarFromTheTrainingImagesDoesNotFlagByItself() {
        assertEquals(List.of(), DomainCheck.check(DOMAIN, 0.3, MEASURED, SITE_COLOUR, scored(20, 2)).reasons());
    }

    @Test
    void aFlaggedImageListsItsColourAsAnObservation() {
        List<String> reasons = DomainCheck.check(DOMAIN, 0.3, MEASURED, SITE_COLOUR, scored(8, 12)).reasons();
        assertEquals(3, reasons.size(), reasons.toString());
        assertEquals("counts doubtful: the model was unsure (score below 0.5) of 60% of the 20 cells it found",
                reasons.get(0));
        assertTrue(reasons.get(1).startsWith("colour unlike the images the model learnt from: mean RGB 150,120,160 "
                + "against training's 200,170,180"), reasons.get(1));
        assertTrue(reasons.get(2).startsWith("confidence unlike the training images"), reasons.get(2));
    }

    @Test
    void aSiteThatJoinedTheDomainIsNoLongerCalledUnlikeForItsColour() {
        ModelDomain joined = new ModelDomain(0.08, "RBC", 7.5, Map.of("WBC", 0.6), List.of(BCCD,
                new ModelDomain.ColourDomain("site-a", new float[] {152, 118, 161}, new float[] {5, 5, 5})), 0.7);
        List<String> reasons = DomainCheck.check(joined, 0.3, MEASURED, SITE_COLOUR, scored(8, 12)).reasons();
        assertEquals(1, reasons.size(), reasons.toString());
        assertTrue(reasons.get(0).startsWith("counts doubtful"), reasons.get(0));
    }

    @Test
    void mostCellsUnsureFlagsOnceThereAreEnoughCells() {
        DomainCheck.Verdict unsure = DomainCheck.check(DOMAIN, 0.3, MEASURED, TYPICAL, scored(8, 12));
        assertEquals(0.6, unsure.doubt(), 1e-9);
        assertTrue(unsure.reasons().get(0).startsWith("counts doubtful"), unsure.reasons().toString());
        DomainCheck.Verdict few = DomainCheck.check(DOMAIN, 0.3, MEASURED, TYPICAL, scored(4, 5));
        assertEquals(List.of(), few.reasons(), "9 cells tell no profile");
        assertEquals(0, few.doubt());
    }

    @Test
    void aWhiteCellScoredAtItsCountThresholdMakesTheCountsDoubtful() {
        List<Detection> found = new ArrayList<>(scored(20, 0));
        found.add(new Detection("WBC", 0.61f, 50, 50, 90, 90));
        DomainCheck.Verdict verdict = DomainCheck.check(DOMAIN, 0.3, MEASURED, TYPICAL, found);
        assertEquals(0.9, verdict.doubt(), 1e-6);
        assertEquals(List.of("counts doubtful: a WBC scored 0.61, next to the 0.60 it is counted from"),
                verdict.reasons());
        found.set(20, new Detection("WBC", 0.95f, 50, 50, 90, 90));
        assertEquals(0, DomainCheck.check(DOMAIN, 0.3, MEASURED, TYPICAL, found).doubt(), "a sure white cell");
    }

    @Test
    void aModelWithoutTheFiguresChecksNothing() {
        DomainCheck.Verdict verdict = DomainCheck.check(ModelDomain.NONE, 0.3, new ScaleReport(ImageScale.unknown(),
                1, 1), new float[] {0, 0, 0}, scored(0, 9));
        assertEquals(List.of(), verdict.reasons());
    }
}
