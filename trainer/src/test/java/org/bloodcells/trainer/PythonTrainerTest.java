package org.bloodcells.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.bloodcells.detection.CellDetector;
import org.bloodcells.detection.DetectionResult;
import org.bloodcells.detection.DetectorSettings;
import org.bloodcells.trainer.python.PythonTrainer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The PyTorch trainer works end to end on this machine's CPU: a few training steps, an ONNX
 * export, and the workers' detection core accepts the result. Needs an interpreter with torch
 * (CI installs Debian's python3-torch); skipped, with the reason, where there is none.
 */
class PythonTrainerTest {

    private static final Path SOURCES = Path.of("python");
    private static PythonTrainer trainer;

    @BeforeAll
    static void findPython() {
        trainer = PythonTrainer.find(SOURCES).orElse(null);
        Assumptions.assumeTrue(trainer != null,
                "no python3 with torch, torchvision and onnx here (CI installs Debian's python3-torch)");
    }

    @Test
    void pythonUnitTestsPass() throws Exception {
        trainer.runUnitTests(System.out::println);
    }

    @Test
    void aSmokeTrainingExportsAModelTheDetectionCoreLoadsAndRuns() throws Exception {
        Path voc = Path.of(System.getProperty("bccd.dir", "../../shared/datasets/bccd")).toAbsolutePath();
        Assumptions.assumeTrue(Files.isDirectory(voc.resolve("Annotations")), "BCCD not found at " + voc);
        Path out = Files.createDirectories(Path.of("target/smoke-training").toAbsolutePath());
        trainer.run("efficientdet.train", List.of("--voc", voc.toString(), "--out", out.toString(),
                "--limit", "4", "--batch-size", "2", "--crop", "256", "--epochs", "1", "--max-steps", "2",
                "--val-split", "", "--threads", "2"), System.out::println);
        Path model = out.resolve("smoke.onnx");
        trainer.run("efficientdet.export", List.of("--checkpoint", out.resolve("last.pt").toString(),
                "--out", model.toString(), "--name", "smoke", "--version", "0.0.0-smoke"), System.out::println);

        try (CellDetector detector = CellDetector.load(model, DetectorSettings.defaults())) {
            assertEquals("smoke", detector.model().name());
            assertEquals(List.of("RBC", "WBC", "Platelets"), detector.model().classes());
            Path image = Path.of("../demo-images/BloodImage_00007.jpg");
            DetectionResult result = detector.detect(Files.readAllBytes(image));
            assertEquals(640, result.imageWidth());
            assertEquals(detector.model().classes(), List.copyOf(result.counts().keySet()));
            assertTrue(result.detections().stream().allMatch(d -> d.x1() >= 0 && d.x2() <= 640 && d.y2() <= 480));
        }
    }
}
