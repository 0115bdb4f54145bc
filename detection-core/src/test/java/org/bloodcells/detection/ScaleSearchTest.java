package org.bloodcells.detection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** An image of 640 × 480 and unknown scale, fitted whole at 0.5 input pixels per image pixel, on a 0.08 µm model. */
class ScaleSearchTest {

    static final ModelDomain DOMAIN = ScaleEstimateTest.DOMAIN;
    static final double FIT = 0.5;

    private static ScaleSearch search() {
        return ScaleSearch.start(DOMAIN, 640, 480, ImageScale.unknown(), FIT);
    }

    /** Three confident red cells of the given diameter: a scale of 7.5 / diameter µm per pixel. */
    private static List<Detection> redCells(float diameter) {
        return List.of(new Detection("RBC", 0.9f, 10, 100, 10 + diameter, 100 + diameter),
                new Detection("RBC", 0.9f, 200, 100, 200 + diameter, 100 + diameter),
                new Detection("RBC", 0.9f, 400, 100, 400 + diameter, 100 + diameter));
    }

    @Test
    void aScaleMeasuredNearTheWholeImageFitSettlesOnTheFirstLook() {
        // 7.5 / 180 µm per pixel is 0.52 input pixels per image pixel: within 15 % of the fit
        List<Detection> found = redCells(180);
        ScaleSearch.Settled settled = assertInstanceOf(ScaleSearch.Settled.class,
                search().after(found, FIT, 1, List.of()));
        assertEquals(found, settled.detections());
        assertEquals(new ScaleReport(new ImageScale(7.5 / 180, ImageScale.Source.ESTIMATED), FIT, 1), settled.scale());
    }

    @Test
    void aScaleFarFromTheLookThatMeasuredItAsksForARunAtItAndTakesThatRunsCells() {
        ImageScale measured = new ImageScale(7.5 / 40, ImageScale.Source.ESTIMATED);
        ScaleSearch.Look look = assertInstanceOf(ScaleSearch.Look.class,
                search().after(redCells(40), FIT, 1, List.of()));
        assertEquals(7.5 / 40 / 0.08, look.factor(), 1e-12);
        assertEquals(measured, look.scale());

        List<Detection> inTiles = List.of(new Detection("WBC", 0.8f, 1, 2, 3, 4));
        ScaleSearch.Settled settled = assertInstanceOf(ScaleSearch.Settled.class,
                look.search().after(inTiles, look.factor(), 6, List.of("a note of the run")));
        assertEquals(inTiles, settled.detections(), "the cells of the run at the measured scale, unmeasured again");
        assertEquals(new ScaleReport(measured, look.factor(), 6), settled.scale());
        assertEquals(List.of("a note of the run"), settled.notes());
    }

    @Test
    void tooFewCellsLookAtHalfTwiceAndAThirdTheFitThenKeepTheFitsCells() {
        List<Detection> fitted = List.of(new Detection("WBC", 0.8f, 1, 2, 3, 4));
        ScaleSearch.Next next = search().after(fitted, FIT, 1, List.of());
        for (double magnification : ScaleSearch.SEARCH) {
            ScaleSearch.Look look = assertInstanceOf(ScaleSearch.Look.class, next);
            assertEquals(FIT * magnification, look.factor(), 1e-12);
            assertEquals(ImageScale.unknown(), look.scale());
            next = look.search().after(List.of(), look.factor(), 1, List.of("not kept"));
        }
        ScaleSearch.Settled settled = assertInstanceOf(ScaleSearch.Settled.class, next);
        assertEquals(fitted, settled.detections());
        assertEquals(new ScaleReport(ImageScale.unknown(), FIT, 1), settled.scale());
        assertEquals(List.of(), settled.notes());
    }

    @Test
    void aLaterLookThatFindsEnoughCellsTellsTheScaleFromWhereItRan() {
        ScaleSearch.Look half = assertInstanceOf(ScaleSearch.Look.class, search().after(List.of(), FIT, 1, List.of()));
        // at 0.25 input pixels per image pixel, cells of 375 px are 7.5 / 375 / 0.08 = 0.25: as run
        List<Detection> found = List.of(new Detection("RBC", 0.9f, 3, 3, 378, 378),
                new Detection("RBC", 0.9f, 3, 3, 378, 378), new Detection("RBC", 0.9f, 3, 3, 378, 378));
        ScaleSearch.Settled settled = assertInstanceOf(ScaleSearch.Settled.class,
                half.search().after(found, half.factor(), 1, List.of()));
        assertEquals(found, settled.detections());
        assertEquals(half.factor(), settled.scale().inputPixelsPerImagePixel());
        assertEquals(ImageScale.Source.ESTIMATED, settled.scale().scale().source());
    }

    @Test
    void aLookAtALikelyScaleThatTheCellsConfirmSettlesThere() {
        double likely = 7.5 / 40 / 0.08;
        List<Detection> found = redCells(40);
        ScaleSearch.Settled settled = assertInstanceOf(ScaleSearch.Settled.class,
                ScaleSearch.startAtLikely(DOMAIN, 640, 480, ImageScale.unknown(), FIT).after(found, likely, 6,
                        List.of()));
        assertEquals(found, settled.detections());
        assertEquals(new ScaleReport(new ImageScale(7.5 / 40, ImageScale.Source.ESTIMATED), likely, 6),
                settled.scale());
    }

    @Test
    void aLookAtALikelyScaleThatFindsTooFewCellsStartsTheSearchFromTheWholeImageFit() {
        ScaleSearch.Look fit = assertInstanceOf(ScaleSearch.Look.class,
                ScaleSearch.startAtLikely(DOMAIN, 640, 480, ImageScale.unknown(), FIT).after(List.of(), 2.0, 6,
                        List.of()));
        assertEquals(FIT, fit.factor());
        assertTrue(fit.whole(), "fitted whole, as an image of unknown scale first is");
        List<Detection> found = redCells(180);
        assertEquals(new ScaleReport(new ImageScale(7.5 / 180, ImageScale.Source.ESTIMATED), FIT, 1),
                assertInstanceOf(ScaleSearch.Settled.class, fit.search().after(found, FIT, 1, List.of())).scale());
    }
}
