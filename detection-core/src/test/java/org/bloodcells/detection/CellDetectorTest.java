package org.bloodcells.detection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.imageio.ImageIO;

import org.bloodcells.images.UnusableImageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The detector end to end on real ONNX Runtime, with small synthetic models whose outputs are known constants, so
 * that every box can be computed by hand from the contract.
 */
class CellDetectorTest {

    /** Level 3 (stride 8), row 2, column 3, first scale and ratio: centre (28, 20), 32×32. */
    static final int WBC_ANCHOR = (2 * 8 + 3) * 9;
    /** Level 4 (stride 16) starts after 8·8·9 anchors; row 1, column 1: centre (24, 24), 64×64. */
    static final int RBC_ANCHOR = 8 * 8 * 9 + (1 * 4 + 1) * 9;
    /** Level 4, row 1, column 2: centre (40, 24), 64×64. */
    static final int RBC_DUPLICATE_ANCHOR = 8 * 8 * 9 + (1 * 4 + 2) * 9;
    static final float LN2 = (float) Math.log(2);

    @TempDir
    Path dir;

    /**
     * WBC 0.9 on its anchor as is; RBC 0.8 moved right by a quarter width (tx 0.25 → centre x 40) and twice as tall
     * (th ln 2 → 128): input box (8, −40, 72, 88); RBC 0.7 on the next anchor with th ln 2 only: the same box, so
     * NMS drops it; Platelets 0.75 on the WBC anchor: same box, other class, kept; RBC 0.2 below the threshold.
     */
    static SyntheticModel plantedCells() {
        return new SyntheticModel()
                .score(WBC_ANCHOR, 1, 0.9f)
                .score(RBC_ANCHOR, 0, 0.8f).regression(RBC_ANCHOR, 0, 0.25f, LN2, 0)
                .score(RBC_DUPLICATE_ANCHOR, 0, 0.7f).regression(RBC_DUPLICATE_ANCHOR, 0, 0, LN2, 0)
                .score(WBC_ANCHOR, 2, 0.75f)
                .score(0, 0, 0.2f);
    }

    private CellDetector load(SyntheticModel model) {
        return CellDetector.load(model.writeTo(dir.resolve("model.onnx")), 1);
    }

    @Test
    void readsTheModelIdentityFromItsMetadata() {
        try (CellDetector detector = load(plantedCells())) {
            assertEquals(new ModelInfo("synthetic-detector", "0.1.0", List.of("RBC", "WBC", "Platelets"), 64),
                    detector.model());
        }
    }

    @Test
    void detectionsComeBackInOriginalPixelsSortedByScoreAfterPerClassNms() {
        try (CellDetector detector = load(plantedCells())) {
            // 128×96 is letterboxed at scale 0.5, so input boxes double; the RBC box is clipped to the image.
            DetectionResult result = detector.detect(new BufferedImage(128, 96, BufferedImage.TYPE_3BYTE_BGR));
            assertEquals(128, result.imageWidth());
            assertEquals(96, result.imageHeight());
            assertDetections(List.of(
                    new Detection("WBC", 0.9f, 24, 8, 88, 72),
                    new Detection("RBC", 0.8f, 16, 0, 128, 96),
                    new Detection("Platelets", 0.75f, 24, 8, 88, 72)), result.detections());
            assertEquals(List.of("RBC", "WBC", "Platelets"), new ArrayList<>(result.counts().keySet()));
            assertEquals(Map.of("RBC", 1, "WBC", 1, "Platelets", 1), result.counts());
            assertTrue(result.inferenceMillis() >= 0);
        }
    }

    @Test
    void countsListEveryClassInModelOrderWithZeros() {
        try (CellDetector detector = load(new SyntheticModel().score(WBC_ANCHOR, 1, 0.9f))) {
            DetectionResult result = detector.detect(new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB));
            Map<String, Integer> expected = new LinkedHashMap<>();
            expected.put("RBC", 0);
            expected.put("WBC", 1);
            expected.put("Platelets", 0);
            assertEquals(List.copyOf(expected.entrySet()), List.copyOf(result.counts().entrySet()));
        }
    }

    @Test
    void aModelRunsWithTheSettingsItCarries() {
        BufferedImage image = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        DetectorSettings lowThreshold = SyntheticModel.PLAIN.withScoreThreshold(0.1);
        Path file = plantedCells().settings(lowThreshold).writeTo(dir.resolve("low.onnx"));
        try (CellDetector detector = CellDetector.load(file, 1)) {
            assertEquals(lowThreshold, detector.settings());
            assertEquals(4, detector.detect(image).detections().size(), "the RBC at 0.2 counts too");
        }
        Path capped = plantedCells().settings(SyntheticModel.PLAIN.withMaxDetections(2)).writeTo(dir.resolve("2.onnx"));
        try (CellDetector detector = CellDetector.load(capped, 1)) {
            assertEquals(List.of("WBC", "RBC"),
                    detector.detect(image).detections().stream().map(Detection::cellClass).toList());
        }
    }

    @Test
    void aCallerChangesOnlyTheSettingsItAdjusts() {
        BufferedImage image = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        Path file = plantedCells().writeTo(dir.resolve("model.onnx"));
        try (CellDetector detector = CellDetector.load(file, 1, s -> s.withScoreThreshold(0.1))) {
            assertEquals(SyntheticModel.PLAIN.withScoreThreshold(0.1), detector.settings());
            assertEquals(SyntheticModel.PLAIN, detector.modelSettings());
            assertEquals(4, detector.detect(image).detections().size());
        }
        assertThrows(IllegalArgumentException.class, () -> CellDetector.load(file, 1, s -> s.withTestTimeFlips(3)));
        assertThrows(IllegalArgumentException.class, () -> CellDetector.load(file, 0));
    }

    @Test
    void aModelWithoutItsSettingsBreaksTheContract() {
        ModelContractException e = assertThrows(ModelContractException.class,
                () -> load(new SyntheticModel().metadata("test_time_flips", null).metadata("soft_nms_sigma", null)));
        assertTrue(e.getMessage().startsWith("model.onnx: Model metadata lacks test_time_flips, soft_nms_sigma"),
                e.getMessage());
        ModelContractException impossible = assertThrows(ModelContractException.class,
                () -> load(new SyntheticModel().metadata("test_time_flips", "3")));
        assertEquals("model.onnx: Model metadata holds impossible post-processing settings: testTimeFlips must be "
                + "1, 2 or 4, was 3", impossible.getMessage());
    }

    @Test
    void batchGivesEachImageItsOwnLetterbox() {
        try (CellDetector detector = load(plantedCells())) {
            BufferedImage wide = new BufferedImage(128, 96, BufferedImage.TYPE_3BYTE_BGR);
            BufferedImage square = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
            List<DetectionResult> batch = detector.detectBatch(List.of(wide, square, wide));
            assertEquals(3, batch.size());
            assertDetections(detector.detect(wide).detections(), batch.get(0).detections());
            assertDetections(detector.detect(square).detections(), batch.get(1).detections());
            assertDetections(List.of(
                    new Detection("WBC", 0.9f, 12, 4, 44, 36),
                    new Detection("RBC", 0.8f, 8, 0, 64, 64),
                    new Detection("Platelets", 0.75f, 12, 4, 44, 36)), batch.get(1).detections());
            assertDetections(batch.get(0).detections(), batch.get(2).detections());
            assertEquals(List.of(), detector.detectBatch(List.of()));
        }
    }

    @Test
    void theThreeStepsOfAPipelineFindWhatOneCallFinds() {
        try (CellDetector detector = load(plantedCells())) {
            BufferedImage wide = new BufferedImage(128, 96, BufferedImage.TYPE_3BYTE_BGR);
            BufferedImage square = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
            List<PreparedImage> prepared = List.of(detector.prepare(wide), detector.prepare(square));
            List<ModelOutputs> outputs = detector.infer(prepared);
            assertEquals(2, outputs.get(0).batchSize());
            assertDetections(detector.detect(wide).detections(),
                    finished(detector.finish(prepared.get(0), outputs.get(0))).detections());
            assertDetections(detector.detect(square).detections(),
                    finished(detector.finish(prepared.get(1), outputs.get(1))).detections());
            assertEquals(128, prepared.get(0).imageWidth());
            assertEquals(List.of(), detector.infer(List.of()));
        }
    }

    /** A model without a physical scale settles every image on its first run. */
    private static DetectionResult finished(DetectionStep step) {
        return assertInstanceOf(DetectionStep.Done.class, step).result();
    }

    @Test
    void anImagePreparedForOneModelRunsOnNoOther() {
        Path other = plantedCells().writeTo(dir.resolve("other.onnx"));
        try (CellDetector detector = load(plantedCells()); CellDetector second = CellDetector.load(other, 1)) {
            PreparedImage prepared = detector.prepare(new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB));
            assertThrows(IllegalArgumentException.class, () -> second.infer(List.of(prepared)));
            ModelOutputs outputs = detector.infer(List.of(prepared)).get(0);
            assertThrows(IllegalArgumentException.class, () -> second.finish(prepared, outputs));
        }
    }

    @Test
    void decodesImageBytes() throws Exception {
        try (CellDetector detector = load(plantedCells())) {
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            ImageIO.write(new BufferedImage(128, 96, BufferedImage.TYPE_BYTE_GRAY), "png", png);
            DetectionResult result = detector.detect(png.toByteArray());
            assertEquals(3, result.detections().size());
            assertEquals(128, result.imageWidth());
        }
    }

    @Test
    void bytesThatAreNoImageAreRefused() {
        try (CellDetector detector = load(plantedCells())) {
            UnusableImageException e = assertThrows(UnusableImageException.class,
                    () -> detector.detect("this is not an image".getBytes(StandardCharsets.UTF_8)));
            assertEquals(UnusableImageException.Reason.NOT_AN_IMAGE, e.reason());
            assertThrows(UnusableImageException.class, () -> detector.detect(new byte[0]));
        }
    }

    @Test
    void concurrentCallersGetTheSameAnswers() throws Exception {
        try (CellDetector detector = load(plantedCells())) {
            BufferedImage image = new BufferedImage(128, 96, BufferedImage.TYPE_3BYTE_BGR);
            List<Detection> expected = detector.detect(image).detections();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<List<Detection>>> futures = new ArrayList<>();
                for (int i = 0; i < 16; i++) {
                    futures.add(pool.submit(() -> detector.detect(image).detections()));
                }
                for (Future<List<Detection>> f : futures) {
                    assertDetections(expected, f.get());
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void aClosedDetectorRefusesWork() {
        CellDetector detector = load(plantedCells());
        detector.close();
        detector.close();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> detector.detect(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB)));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    @Test
    void outputClassCountMustMatchMetadataClasses() {
        ModelContractException e = assertThrows(ModelContractException.class,
                () -> load(new SyntheticModel().outputClasses(2)));
        assertEquals("model.onnx: Output 'scores' has 2 classes but metadata 'classes' names 3 [RBC, WBC, Platelets]",
                e.getMessage());
    }

    @Test
    void outputClassCountIsCheckedAtLoadEvenWhenTheShapeIsLeftSymbolic() {
        ModelContractException e = assertThrows(ModelContractException.class,
                () -> load(new SyntheticModel().outputClasses(4).symbolicOutputShapes()));
        assertTrue(e.getMessage().contains("Output 'scores' has 4 classes but metadata 'classes' names 3"),
                e.getMessage());
    }

    @Test
    void symbolicOutputShapesThatFitAreAccepted() {
        try (CellDetector detector = load(plantedCells().symbolicOutputShapes())) {
            assertEquals(3, detector.detect(new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB)).detections().size());
        }
    }

    @Test
    void missingMetadataIsNamed() {
        ModelContractException e = assertThrows(ModelContractException.class,
                () -> load(new SyntheticModel().metadata("classes", null).metadata("anchor_scale", null)));
        assertTrue(e.getMessage().startsWith("model.onnx: Model metadata lacks classes, anchor_scale (has "),
                e.getMessage());
    }

    @Test
    void anchorGridMustMatchTheOutputs() {
        ModelContractException e = assertThrows(ModelContractException.class,
                () -> load(new SyntheticModel().metadata("levels", "3,4,5,6")));
        assertTrue(e.getMessage().contains("anchor grid"), e.getMessage());
    }

    @Test
    void inputMustBeTheSquareOfTheMetadataSize() {
        ModelContractException e = assertThrows(ModelContractException.class,
                () -> load(new SyntheticModel().inputSize(32)));
        assertEquals("model.onnx: Input 'images' must be [N,3,64,64] (metadata input_size 64), is [-1, 3, 32, 32]",
                e.getMessage());
    }

    @Test
    void outputsAreFoundByName() {
        ModelContractException e = assertThrows(ModelContractException.class,
                () -> load(new SyntheticModel().scoresOutputName("logits")));
        assertTrue(e.getMessage().contains("no output 'scores'"), e.getMessage());
    }

    @Test
    void aFileThatIsNoModelIsRefused() throws IOException {
        Path junk = Files.writeString(dir.resolve("junk.onnx"), "not a model");
        ModelContractException e = assertThrows(ModelContractException.class,
                () -> CellDetector.load(junk, 1));
        assertTrue(e.getMessage().startsWith("junk.onnx: not a loadable ONNX model"), e.getMessage());
        ModelContractException missing = assertThrows(ModelContractException.class,
                () -> CellDetector.load(dir.resolve("absent.onnx"), 1));
        assertTrue(missing.getMessage().startsWith("Model file not found"), missing.getMessage());
    }

    static void assertDetections(List<Detection> expected, List<Detection> actual) {
        assertEquals(expected.size(), actual.size(), () -> "expected " + expected + " got " + actual);
        for (int i = 0; i < expected.size(); i++) {
            Detection e = expected.get(i);
            Detection a = actual.get(i);
            String where = "detection " + i + ": expected " + e + " got " + a;
            assertEquals(e.cellClass(), a.cellClass(), where);
            assertArrayEquals(new float[] {e.score(), e.x1(), e.y1(), e.x2(), e.y2()},
                    new float[] {a.score(), a.x1(), a.y1(), a.x2(), a.y2()}, 1e-3f, where);
        }
    }
}
