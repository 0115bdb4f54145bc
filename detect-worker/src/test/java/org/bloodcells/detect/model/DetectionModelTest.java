package org.bloodcells.detect.model;

import static org.bloodcells.detect.StoredImages.bccd;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Arrays;

import org.bloodcells.detection.DetectionResult;
import org.bloodcells.detection.DetectorSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The released model, copied where the test can replace it the way a deployment publishes a new one. */
class DetectionModelTest {

    private static final Path RELEASED = Path.of("../models/efficientdet-d0-bccd.onnx");

    @TempDir
    Path dir;

    private Path modelFile;
    private DetectionModel model;
    private final byte[] image = bccd("BloodImage_00007.jpg");

    @BeforeEach
    void load() throws IOException {
        modelFile = dir.resolve("model.onnx");
        Files.copy(RELEASED, modelFile);
        model = new DetectionModel(modelFile, DetectorSettings.defaults());
    }

    @AfterEach
    void close() {
        model.close();
    }

    /** Writes the new file beside the old one and renames it over it, as DetectionModel asks. */
    private void publish(byte[] content, Instant modified) throws IOException {
        Path next = dir.resolve("model.onnx.new");
        Files.write(next, content);
        Files.setLastModifiedTime(next, FileTime.from(modified));
        Files.move(next, modelFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    void anUnchangedFileIsNotReloaded() {
        assertFalse(model.reloadIfChanged());
        assertEquals(1, model.generation());
    }

    @Test
    void aNewFileIsSwappedInAndDetectsAsTheOldDid() throws Exception {
        DetectionResult before = model.detect(image).result();
        publish(Files.readAllBytes(RELEASED), Instant.now().plusSeconds(60));
        assertTrue(model.reloadIfChanged());
        assertEquals(2, model.generation());
        assertEquals(before.detections(), model.detect(image).result().detections());
        assertFalse(model.reloadIfChanged());
    }

    @Test
    void aFileThatDoesNotLoadLeavesTheRunningModelAndIsRetriedWhenItChanges() throws Exception {
        byte[] released = Files.readAllBytes(RELEASED);
        publish(Arrays.copyOf(released, released.length / 2), Instant.now().plusSeconds(60));   // half copied
        assertFalse(model.reloadIfChanged());
        assertFalse(model.reloadIfChanged());
        assertEquals(1, model.generation());
        assertFalse(model.detect(image).result().detections().isEmpty(), "the old session still detects");

        publish(released, Instant.now().plusSeconds(120));
        assertTrue(model.reloadIfChanged());
        assertEquals(2, model.generation());
    }

    @Test
    void aMissingFileStopsTheWorkerAtStart() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new DetectionModel(dir.resolve("absent.onnx"), DetectorSettings.defaults()));
        assertTrue(e.getMessage().startsWith("No model file at "), e.getMessage());
    }
}
