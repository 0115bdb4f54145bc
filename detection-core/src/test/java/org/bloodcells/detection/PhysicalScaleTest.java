package org.bloodcells.detection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Map;

import org.bloodcells.images.BccdImages;
import org.bloodcells.images.ImageDecoder;
import org.bloodcells.images.ImageLimits;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The released model with its physical scale (BCCD's, {@code models/README.md}), on real BCCD test images shown to it
 * as other scanners would: a field four times as large, and the same field at twice the magnification. The scale is
 * stamped here as well, with the figures 1.3.0 carries, so the geometry this test pins does not follow a later
 * release's calibration.
 */
class PhysicalScaleTest {

    /** BCCD's microns per pixel (7.5 µm over its median labelled red cell, 104 px), on a 576 input fitted to 640. */
    static final double BCCD_MPP = 7.5 / 104;
    static final Map<String, String> SCALE = Map.of("input_microns_per_pixel", Double.toString(BCCD_MPP * 640 / 576),
            "scale_reference", "RBC:7.5");

    @TempDir
    static Path dir;
    static CellDetector detector;

    @BeforeAll
    static void load() throws Exception {
        // one view: half the model runs, the same geometry
        detector = CellDetector.load(OnnxProto.withMetadata(EfficientDetModelTest.modelFile(), SCALE,
                dir.resolve("scaled.onnx")), 2, s -> new DetectorSettings(s.scoreThreshold(), s.nmsIouThreshold(),
                        s.maxDetections(), 1, s.boxVotingIou(), s.softNmsSigma()));
    }

    @AfterAll
    static void close() {
        if (detector != null) {
            detector.close();
        }
    }

    private static BufferedImage bccd(String id) throws Exception {
        return ImageDecoder.decode(BccdImages.bytes(id), ImageLimits.PLATFORM);
    }

    private static BufferedImage resized(BufferedImage image, int width, int height) {
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(image, 0, 0, width, height, null);
        g.dispose();
        return out;
    }

    private static void assertClose(Map<String, Integer> expected, Map<String, Integer> actual, double share,
            String what) {
        expected.forEach((cls, n) -> assertTrue(Math.abs(actual.get(cls) - n) <= Math.max(2, share * n),
                what + ": " + cls + " " + actual.get(cls) + " against " + n + " (" + actual + " against " + expected
                        + ")"));
    }

    @Test
    void aBccdImageOfUnknownScaleIsMeasuredAtBccdsScaleAndRunsOnce() throws Exception {
        BufferedImage image = bccd("BloodImage_00031");
        DetectionResult plain = detector.detect(image);
        assertEquals(ImageScale.Source.ESTIMATED, plain.scale().scale().source());
        assertEquals(BCCD_MPP, plain.scale().scale().micronsPerPixel(), 0.15 * BCCD_MPP);
        assertEquals(576.0 / Math.max(image.getWidth(), image.getHeight()), plain.scale().inputPixelsPerImagePixel(),
                1e-9, "the whole-image fit was kept");
        assertEquals(1, plain.scale().tiles());
        assertEquals(java.util.List.of(), plain.outOfDistribution());
    }

    @Test
    void aScannerFieldOfFourImagesAtDeclaredScaleIsTiledAndCountsWhatTheFourImagesHold() throws Exception {
        String[] ids = {"BloodImage_00031", "BloodImage_00065", "BloodImage_00068", "BloodImage_00007"};
        BufferedImage field = new BufferedImage(1280, 960, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = field.createGraphics();
        Map<String, Integer> sum = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 4; i++) {
            BufferedImage part = bccd(ids[i]);
            g.drawImage(part, (i % 2) * 640, (i / 2) * 480, null);
            detector.detect(part).counts().forEach((k, v) -> sum.merge(k, v, Integer::sum));
        }
        g.dispose();
        DetectionResult result = detector.detect(field, new ImageScale(BCCD_MPP, ImageScale.Source.DECLARED));
        assertEquals(ImageScale.Source.DECLARED, result.scale().scale().source());
        assertEquals(576.0 / 640, result.scale().inputPixelsPerImagePixel(), 1e-9);
        assertTrue(result.scale().tiles() >= 4, "tiles: " + result.scale().tiles());
        // Tiles show the cells in other surroundings than the single images did, which moves a few unsure red cells
        // (scores near the threshold) either way.
        assertClose(sum, result.counts(), 0.15, "the field against its four images");

        DetectionResult finer = detector.detect(field, new ImageScale(BCCD_MPP / 2, ImageScale.Source.DECLARED));
        assertEquals(1, finer.scale().tiles(), "at half the microns per pixel the field is what one input holds");
        assertEquals(0.45, finer.scale().inputPixelsPerImagePixel(), 1e-9);
    }

    @Test
    void twiceTheMagnificationIsMeasuredFromTheCellsAndRunAtTheModelsScale() throws Exception {
        BufferedImage image = bccd("BloodImage_00065");
        Map<String, Integer> original = detector.detect(image).counts();
        DetectionResult zoomed = detector.detect(resized(image, 1280, 960));
        assertEquals(ImageScale.Source.ESTIMATED, zoomed.scale().scale().source());
        assertEquals(BCCD_MPP / 2, zoomed.scale().scale().micronsPerPixel(), 0.15 * BCCD_MPP / 2);
        assertEquals(0.45, zoomed.scale().inputPixelsPerImagePixel(), 0.07, "run again at the measured scale");
        assertClose(original, zoomed.counts(), 0.1, "the image at twice the magnification");
    }

    private static BufferedImage field() throws Exception {
        BufferedImage field = new BufferedImage(1280, 960, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = field.createGraphics();
        String[] ids = {"BloodImage_00031", "BloodImage_00065", "BloodImage_00068", "BloodImage_00007"};
        for (int i = 0; i < 4; i++) {
            g.drawImage(bccd(ids[i]), (i % 2) * 640, (i / 2) * 480, null);
        }
        g.dispose();
        return field;
    }

    @Test
    void aFieldOfUnknownScaleFirstLookedAtItsScannersLikelyScaleSettlesInOneLook() throws Exception {
        BufferedImage field = field();
        DetectionResult searched = detector.detect(field);

        PreparedImage first = detector.prepare(field, ImageScale.unknown(), BCCD_MPP);
        assertTrue(first.tiles() > 1, "the likely scale takes tiles at once: " + first.tiles());
        DetectionResult once = assertInstanceOf(DetectionStep.Done.class,
                detector.finish(first, detector.infer(java.util.List.of(first)).get(0)),
                "its cells confirm the likely scale: no second look").result();
        assertEquals(ImageScale.Source.ESTIMATED, once.scale().scale().source(), "still measured on the image");
        assertEquals(BCCD_MPP, once.scale().scale().micronsPerPixel(), 0.15 * BCCD_MPP);
        assertEquals(576.0 / 640, once.scale().inputPixelsPerImagePixel(), 1e-9, "run at the likely scale");
        assertEquals(searched.scale().tiles(), once.scale().tiles());
        assertClose(searched.counts(), once.counts(), 0.05, "one look at the likely scale against the search's two");
    }

    @Test
    void aLikelyScaleAboutTheWholeImageFitsRunsTheFitAsWithoutOne() throws Exception {
        BufferedImage image = bccd("BloodImage_00031");
        DetectionResult plain = detector.detect(image);
        PreparedImage hinted = detector.prepare(image, ImageScale.unknown(), BCCD_MPP * 1.05);
        DetectionResult result = assertInstanceOf(DetectionStep.Done.class,
                detector.finish(hinted, detector.infer(java.util.List.of(hinted)).get(0))).result();
        assertEquals(plain.detections(), result.detections());
        assertEquals(plain.scale(), result.scale());
    }

    @Test
    void aLikelyScaleTheCellsDisagreeWithRunsTheImageAgainAtTheirs() throws Exception {
        BufferedImage field = field();
        PreparedImage wrong = detector.prepare(field, ImageScale.unknown(), BCCD_MPP / 2);
        assertEquals(1, wrong.tiles(), "at half the microns per pixel the field is what one input holds");
        PreparedImage again = assertInstanceOf(DetectionStep.RunAgain.class,
                detector.finish(wrong, detector.infer(java.util.List.of(wrong)).get(0))).image();
        DetectionResult result = assertInstanceOf(DetectionStep.Done.class,
                detector.finish(again, detector.infer(java.util.List.of(again)).get(0))).result();
        assertEquals(BCCD_MPP, result.scale().scale().micronsPerPixel(), 0.15 * BCCD_MPP);
        assertTrue(result.scale().tiles() > 1, "run at the cells' scale, in tiles");
    }

    @Test
    void aPreparedInputRunsOnceAndGoesBackForTheNextImage() throws Exception {
        PreparedImage image = detector.prepare(bccd("BloodImage_00031"));
        detector.infer(java.util.List.of(image));
        assertThrows(IllegalArgumentException.class, () -> detector.infer(java.util.List.of(image)));
        assertThrows(IllegalStateException.class, image::input);
    }

    /**
     * The detector runs the model only when asked to: an image to be run again at its measured scale comes back from
     * {@code finish} as a look to run, and running and finishing it gives what one call finds.
     */
    @Test
    void finishingAnImageToRunAgainHandsBackTheLookAndRunsNoModel() throws Exception {
        BufferedImage field = field();
        PreparedImage whole = detector.prepare(field);

        DetectionStep first = detector.finish(whole, detector.infer(java.util.List.of(whole)).get(0));

        PreparedImage look = assertInstanceOf(DetectionStep.RunAgain.class, first).image();
        assertTrue(look.tiles() > 1, "the measured scale takes tiles: " + look.tiles());
        DetectionResult result = assertInstanceOf(DetectionStep.Done.class,
                detector.finish(look, detector.infer(java.util.List.of(look)).get(0))).result();
        DetectionResult direct = detector.detect(field);
        assertEquals(direct.detections(), result.detections());
        assertEquals(direct.counts(), result.counts());
        assertEquals(direct.scale(), result.scale());
        assertEquals(look.tiles(), result.scale().tiles());
    }

    @Test
    void anImageThatWouldTakeTooManyTilesIsFittedWholeAndFlagged() throws Exception {
        Path model = new SyntheticModel().metadata("input_microns_per_pixel", "0.1")
                .metadata("scale_reference", "RBC:7.5").writeTo(dir.resolve("coarse.onnx"));
        try (CellDetector coarse = CellDetector.load(model, 1)) {
            // 1 µm per pixel on a model of 0.1 µm per input pixel: 10 input pixels per image pixel, 6-px tiles
            DetectionResult result = coarse.detect(new BufferedImage(640, 480, BufferedImage.TYPE_3BYTE_BGR),
                    new ImageScale(1.0, ImageScale.Source.DECLARED));
            assertEquals(1, result.scale().tiles());
            assertTrue(result.outOfDistribution().get(0).startsWith("scale not applied: at 1.000 µm per pixel the "
                    + "image would take"), result.outOfDistribution().toString());
        }
    }

    @Test
    void aModelWithoutAScaleFitsTheWholeImageAsBeforeAndChecksNothing() throws Exception {
        try (CellDetector plain = CellDetector.load(new SyntheticModel().writeTo(dir.resolve("plain.onnx")), 1)) {
            DetectionResult result = plain.detect(new BufferedImage(128, 96, BufferedImage.TYPE_3BYTE_BGR),
                    new ImageScale(0.2, ImageScale.Source.DECLARED));
            assertEquals(new ScaleReport(new ImageScale(0.2, ImageScale.Source.DECLARED), 64.0 / 128, 1),
                    result.scale(), "the declared scale is reported, the image fitted whole");
            assertEquals(java.util.List.of(), result.outOfDistribution(), "no figures, no checks");
        }
    }
}
