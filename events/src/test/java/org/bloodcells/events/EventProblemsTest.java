package org.bloodcells.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/**
 * Each event's {@code problem()}: the one rule every reader applies before it acts on an event, and the reason it
 * parks or refuses one with.
 */
class EventProblemsTest {

    private static final String ID = "ab".repeat(32);
    private static final String SHA = "9f".repeat(32);
    private static final Instant AT = Instant.parse("2026-11-23T10:15:30Z");
    private static final ModelRef MODEL = new ModelRef("efficientdet-d0-bccd", "1.3.0-run7", "models",
            "efficientdet-d0-bccd/1.3.0-run7/model.onnx", SHA);

    private static ImageUploaded.Builder upload() {
        return ImageUploaded.builder().imageId(ID).bucket("images").objectKey("sha256/ab/" + ID).contentType("image/jpeg")
                .sizeBytes(10).scannerId("scanner-7").slideId("slide-1").batchId("batch-9").uploadedAt(AT);
    }

    private static Optional<String> problem(String reason) {
        return Optional.of(reason);
    }

    @Test
    void aCompleteUploadIsAcceptableWithOrWithoutItsOptionalParts() {
        assertEquals(Optional.empty(), upload().build().problem());
        assertEquals(Optional.empty(), upload().bucket(null).contentType(null).uploadedBy("ana")
                .scale(new Scale(0.1, "DECLARED")).model(MODEL).build().problem());
        assertEquals(Optional.empty(), upload().scale(new Scale(null, "UNKNOWN")).build().problem());
    }

    @Test
    void anUploadsImageIdIsTheLowerCaseHexSha256OfItsBytes() {
        assertEquals(problem("imageId is required"), upload().imageId(null).build().problem());
        assertEquals(problem("imageId must be a SHA-256 in 64 lower-case hex digits, was '" + "AB".repeat(32) + "'"),
                upload().imageId("AB".repeat(32)).build().problem());
        assertEquals(problem("imageId must be a SHA-256 in 64 lower-case hex digits, was 'abc'"),
                upload().imageId("abc").build().problem());
    }

    @Test
    void anUploadNamesItsObjectItsOriginAndWhen() {
        assertEquals(problem("objectKey is required"), upload().objectKey(" ").build().problem());
        assertEquals(problem("scannerId is required"), upload().scannerId(null).build().problem());
        assertEquals(problem("slideId must be 1 to 128 characters of letters, digits, '.', '_', ':' or '-' starting"
                + " with a letter or digit"), upload().slideId("../slide").build().problem());
        assertEquals(problem("batchId is required"), upload().batchId("").build().problem());
        assertEquals(problem("uploadedAt is required"), upload().uploadedAt(null).build().problem());
    }

    @Test
    void aScaleSentWithAnImageIsAPositiveFigureFromTheUploadTheScannerOrTheFile() {
        assertEquals(problem("scale: microns per pixel must be a positive number, was -1.0"),
                upload().scale(new Scale(-1.0, "DECLARED")).build().problem());
        assertEquals(problem("scale: microns per pixel must be a positive number, was Infinity"),
                upload().scale(new Scale(Double.POSITIVE_INFINITY, "FILE")).build().problem());
        assertEquals(problem("scale: the source of a figure sent with an image must be one of [DECLARED, SCANNER,"
                + " FILE], was 'ESTIMATED'"), upload().scale(new Scale(0.1, "ESTIMATED")).build().problem());
        assertEquals(problem("scale: the source of a figure sent with an image must be one of [DECLARED, SCANNER,"
                + " FILE], was none"), upload().scale(new Scale(0.1, null)).build().problem());
    }

    @Test
    void aModelVersionAskedForIsCheckedLikeAPromotedOne() {
        ModelRef noChecksum = new ModelRef(MODEL.name(), MODEL.version(), "models", "k", null);
        assertEquals(problem("model sha256 is required"), upload().model(noChecksum).build().problem());
    }

    @Test
    void aModelVersionNamesAWellFormedNameAndVersionItsFileAndItsLowerCaseChecksum() {
        assertEquals(Optional.empty(), MODEL.problem());
        assertEquals(problem("model name is required"),
                new ModelRef(null, "1.3.0", "models", "k", SHA).problem());
        assertEquals(problem("model name must be 1 to 64 letters, digits, '.', '_', '+' or '-' starting with a letter"
                + " or digit, was 'my model'"), new ModelRef("my model", "1.3.0", "models", "k", SHA).problem());
        assertEquals(problem("model version is required"), new ModelRef("m", " ", "models", "k", SHA).problem());
        assertEquals(problem("model version must be 1 to 64 letters, digits, '.', '_', '+' or '-' starting with a"
                + " letter or digit, was '../1.3.0'"), new ModelRef("m", "../1.3.0", "models", "k", SHA).problem());
        assertEquals(problem("model bucket is required"), new ModelRef("m", "1.3.0", null, "k", SHA).problem());
        assertEquals(problem("model objectKey is required"), new ModelRef("m", "1.3.0", "models", "", SHA).problem());
        assertEquals(problem("model sha256 must be a SHA-256 in 64 lower-case hex digits, was '" + "9F".repeat(32)
                + "'"), new ModelRef("m", "1.3.0", "models", "k", "9F".repeat(32)).problem());
    }

    @Test
    void aNameOrVersionIsAtMost64Characters() {
        assertEquals(Optional.empty(), ModelRef.nameOrVersionProblem("version", "v".repeat(64)));
        assertEquals(problem("version must be 1 to 64 letters, digits, '.', '_', '+' or '-' starting with a letter or"
                + " digit, was '" + "v".repeat(65) + "'"), ModelRef.nameOrVersionProblem("version", "v".repeat(65)));
    }

    @Test
    void aPromotionNamesACompleteVersionAndWhen() {
        assertEquals(Optional.empty(), new ModelPromoted(MODEL, "1.2.0", "ops-1", null, AT).problem());
        assertEquals(problem("model is required"), new ModelPromoted(null, null, "ops-1", null, AT).problem());
        assertEquals(problem("model bucket is required"), new ModelPromoted(new ModelRef("m", "1.3.0", null, "k", SHA),
                null, "ops-1", null, AT).problem());
        assertEquals(problem("promotedAt is required"), new ModelPromoted(MODEL, null, "ops-1", null, null).problem());
    }

    @Test
    void aMembershipNamesItsImageItsOriginAndWhen() {
        assertEquals(Optional.empty(), new ImageMembership(ID, "scanner-7", "slide-1", "batch-9", AT).problem());
        assertEquals(problem("imageId is required"),
                new ImageMembership(null, "scanner-7", "slide-1", "batch-9", AT).problem());
        assertEquals(problem("scannerId is required"),
                new ImageMembership(ID, null, "slide-1", "batch-9", AT).problem());
        assertEquals(problem("addedAt is required"),
                new ImageMembership(ID, "scanner-7", "slide-1", "batch-9", null).problem());
    }

    @Test
    void detectionsNameTheirImageTheirModelAndCountsOfZeroOrMore() {
        assertEquals(Optional.empty(), detections(ID, "efficientdet-d0-bccd", Map.of("RBC", 1, "WBC", 0)).problem());
        assertEquals(problem("imageId must be a SHA-256 in 64 lower-case hex digits, was 'x'"),
                detections("x", "efficientdet-d0-bccd", Map.of()).problem());
        assertEquals(problem("modelName is required"), detections(ID, " ", Map.of()).problem());
        assertEquals(problem("counts must be zero or more, were {RBC=-1}"),
                detections(ID, "efficientdet-d0-bccd", Map.of("RBC", -1)).problem());
        Map<String, Integer> unknownCount = new HashMap<>();
        unknownCount.put("RBC", null);
        assertEquals(problem("counts must be zero or more, were {RBC=null}"),
                detections(ID, "efficientdet-d0-bccd", unknownCount).problem());
        assertEquals(problem("counts is required"), detections(ID, "efficientdet-d0-bccd", null).problem());
        assertEquals(problem("detectedAt is required"), new CellDetections(ID, "m", "1.0.0", 640, 480, List.of(),
                Map.of(), 1, "worker-1", null).problem());
    }

    @Test
    void aDeadLetterMayNameNoImageButNamesItsStageAndWhen() {
        assertEquals(Optional.empty(), new DeadLetter(ID, "detect", "not an image", "{}", AT).problem());
        assertEquals(Optional.empty(), new DeadLetter(null, "detect", "unreadable event", "garbage", AT).problem());
        assertEquals(problem("imageId must be a SHA-256 in 64 lower-case hex digits, was 'x'"),
                new DeadLetter("x", "detect", "bad", "{}", AT).problem());
        assertEquals(problem("stage is required"), new DeadLetter(ID, null, "bad", "{}", AT).problem());
        assertEquals(problem("failedAt is required"), new DeadLetter(ID, "detect", "bad", "{}", null).problem());
    }

    private static CellDetections detections(String imageId, String model, Map<String, Integer> counts) {
        return new CellDetections(imageId, model, "1.0.0", 640, 480,
                List.of(new DetectedCell("RBC", 0.9, 1, 2, 3, 4)), counts, 12, "worker-1", AT);
    }
}
