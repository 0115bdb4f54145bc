package org.bloodcells.detection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.bloodcells.images.BccdImages;
import org.bloodcells.images.ImageDecoder;
import org.bloodcells.images.ImageLimits;
import org.bloodcells.images.UnusableImageException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The team's EfficientDet-D0 ({@code models/efficientdet-d0-bccd.onnx}, passed in as {@code -Ddetector.model}) on
 * real ONNX Runtime, on three BCCD test images. Holds for any checkpoint, trained or not; how well the released one
 * finds the annotated cells is model-eval's golden test.
 */
class EfficientDetModelTest {

    static final List<String> IMAGES = List.of("BloodImage_00031", "BloodImage_00065", "BloodImage_00068");

    static CellDetector detector;

    static Path modelFile() {
        Path file = Path.of(System.getProperty("detector.model", "../models/efficientdet-d0-bccd.onnx"));
        assertTrue(Files.isRegularFile(file), "no model file at " + file.toAbsolutePath());
        return file;
    }

    @BeforeAll
    static void loadModel() {
        // One view, greedy NMS and a low threshold, as for evaluation, so that even an early checkpoint returns boxes.
        detector = CellDetector.load(modelFile(), 2, s -> new DetectorSettings(0.001, 0.5, 100, 1, 0, 0));
    }

    @AfterAll
    static void closeModel() {
        if (detector != null) {
            detector.close();
        }
    }

    @Test
    void metadataFollowsTheContract() {
        ModelInfo model = detector.model();
        assertEquals("efficientdet-d0-bccd", model.name());
        assertEquals(List.of("RBC", "WBC", "Platelets"), model.classes());
        assertEquals(576, model.inputSize());
        assertTrue(!model.version().isBlank());
        assertEquals(ModelMetadata.parse(ModelMetadataTest.contractExample()).settings(), detector.modelSettings(),
                "CONTRACT.md's example column is the released model's post-processing");
    }

    @Test
    void detectionsLieInsideTheImage() throws Exception {
        DetectionResult result = detector.detect(BccdImages.bytes("BloodImage_00031"));
        assertEquals(640, result.imageWidth());
        assertEquals(480, result.imageHeight());
        assertTrue(!result.detections().isEmpty(), "at threshold 0.001 even an untrained model finds boxes");
        assertTrue(result.detections().size() <= 100);
        float previous = Float.MAX_VALUE;
        for (Detection d : result.detections()) {
            assertTrue(detector.model().classes().contains(d.cellClass()), d.toString());
            assertTrue(d.score() > 0.001f && d.score() <= 1f, d.toString());
            assertTrue(d.x1() >= 0 && d.y1() >= 0 && d.x2() <= 640 && d.y2() <= 480, d.toString());
            assertTrue(d.x2() > d.x1() && d.y2() > d.y1(), d.toString());
            assertTrue(d.score() <= previous, "sorted by score");
            previous = d.score();
        }
        assertEquals(detector.model().classes(), List.copyOf(result.counts().keySet()));
        for (String cls : detector.model().classes()) {
            double from = detector.domain().countThreshold(cls, detector.settings().scoreThreshold());
            assertEquals(result.detections().stream().filter(d -> d.cellClass().equals(cls) && d.score() >= from)
                    .count(), (long) result.counts().get(cls), "counted from the class's count threshold: " + cls);
        }
    }

    @Test
    void aBatchFindsWhatSingleImagesFind() throws Exception {
        List<BufferedImage> images = new ArrayList<>();
        for (String id : IMAGES) {
            images.add(ImageDecoder.decode(BccdImages.bytes(id), ImageLimits.PLATFORM));
        }
        List<DetectionResult> batch = detector.detectBatch(images);
        assertEquals(images.size(), batch.size());
        for (int i = 0; i < images.size(); i++) {
            List<Detection> single = detector.detect(images.get(i)).detections();
            List<Detection> batched = batch.get(i).detections();
            // A batched convolution may round differently in the last bits: compare detections clear of the cut.
            float cut = single.get(single.size() - 1).score() + 1e-4f;
            for (Detection d : single) {
                if (d.score() > cut) {
                    assertTrue(batched.stream().anyMatch(b -> same(d, b)), IMAGES.get(i) + ": batch lacks " + d);
                }
            }
            assertEquals(single.size(), batched.size(), IMAGES.get(i));
        }
    }

    /**
     * Four views make detection mirror-symmetric: the views of a mirrored image are the original's views in another
     * order, so every cell found in the original must be found, mirrored, in its mirror image, with the same
     * score. Catches a view flipped one way and mapped back another. Up to float rounding in the resize.
     */
    @Test
    void withFourViewsTheMirroredImageGivesTheMirroredCells() throws Exception {
        BufferedImage image = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(BccdImages.bytes(IMAGES.get(0))));
        int w = image.getWidth();
        BufferedImage mirrored = new BufferedImage(w, image.getHeight(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < w; x++) {
                mirrored.setRGB(w - 1 - x, y, image.getRGB(x, y));
            }
        }
        try (CellDetector fourViews = CellDetector.load(modelFile(), 2,
                s -> new DetectorSettings(0.3, 0.5, 200, 4, 0.8, 0))) {
            List<Detection> original = fourViews.detect(image).detections();
            List<Detection> ofMirror = fourViews.detect(mirrored).detections();
            assertTrue(!original.isEmpty(), "no cells found");
            assertEquals(original.size(), ofMirror.size());
            for (Detection d : original) {
                assertTrue(ofMirror.stream().anyMatch(m -> m.cellClass().equals(d.cellClass())
                        && Math.abs(m.score() - d.score()) < 1e-3
                        && Math.abs(m.x1() - (w - d.x2())) < 0.1 && Math.abs(m.x2() - (w - d.x1())) < 0.1
                        && Math.abs(m.y1() - d.y1()) < 0.1 && Math.abs(m.y2() - d.y2()) < 0.1),
                        "no mirror of " + d + " in " + ofMirror);
            }
        }
    }

    @Test
    void bytesThatAreNoImageAreRefused() {
        assertThrows(UnusableImageException.class, () -> detector.detect(new byte[] {'G', 'I', 'F', '8'}));
    }

    private static boolean same(Detection a, Detection b) {
        return a.cellClass().equals(b.cellClass()) && Math.abs(a.score() - b.score()) < 1e-4
                && Math.abs(a.x1() - b.x1()) < 0.05 && Math.abs(a.y1() - b.y1()) < 0.05
                && Math.abs(a.x2() - b.x2()) < 0.05 && Math.abs(a.y2() - b.y2()) < 0.05;
    }
}
