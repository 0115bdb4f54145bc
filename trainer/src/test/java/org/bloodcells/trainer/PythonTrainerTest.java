package org.bloodcells.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.bloodcells.detection.CellDetector;
import org.bloodcells.detection.DetectionResult;
import org.bloodcells.images.BccdImages;
import org.bloodcells.testsupport.BackgroundInstall;
import org.bloodcells.trainer.python.PythonTrainer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PyTorch trainer works end to end on this machine's CPU: a few training steps on a handful of
 * BCCD images, an ONNX export, and the workers' detection core accepts the result. (Training without
 * a validation split is the Python resume tests' path, to the checkpoint the exporter reads.) Needs an
 * interpreter with torch. Where {@code TRAINER_PYTHON} names one (test.sh installs Debian's
 * python3-torch and sets it) it must work, or the tests fail (unless test.sh's install itself
 * failed: then they skip); where nothing is configured and no interpreter here has torch, they are skipped with that
 * reason.
 */
class PythonTrainerTest {

    private static final Path SOURCES = Path.of("python");
    /** The JUnit tag of the GPU recipe's check, excluded by default (the trainer's pom). */
    static final String GPU_RECIPE = "gpu-recipe";
    private static PythonTrainer trainer;

    private static String skipped;

    @BeforeAll
    static void findPython() {
        skipped = BackgroundInstall.failure().orElse(null);
        if (skipped != null) {
            return;
        }
        trainer = PythonTrainer.find(SOURCES).orElse(null);
        String configured = System.getenv("TRAINER_PYTHON");
        if (configured != null && !configured.isBlank()) {
            assertTrue(trainer != null && trainer.interpreter().equals(configured),
                    "TRAINER_PYTHON=" + configured + " cannot import torch, torchvision and onnx");
        }
        if (trainer == null) {
            skipped = "no python3 with torch, torchvision and onnx here (./test.sh installs Debian's python3-torch)";
        }
    }

    /** Skipped per test, not for the class: only a test's skip reaches the reports with its reason. */
    @BeforeEach
    void needsPython() {
        Assumptions.assumeTrue(skipped == null, () -> skipped);
    }

    /**
     * The Python unit tests. {@code ./test.sh} (README's second command, which CI runs) runs them beside the Maven build as soon as PyTorch is installed
     * and names their outcome in {@code TRAINER_PYTHON_UNIT_TESTS} ({@code <prefix>.status}, {@code <prefix>.log}):
     * then this waits for it and fails with their log unless they passed; otherwise it runs them here.
     */
    @Test
    void pythonUnitTestsPass() throws Exception {
        String ranBeside = System.getenv("TRAINER_PYTHON_UNIT_TESTS");
        if (ranBeside == null || ranBeside.isBlank()) {
            trainer.runUnitTests(System.out::println);
            return;
        }
        Path status = Path.of(ranBeside + ".status");
        long deadline = System.nanoTime() + java.time.Duration.ofMinutes(20).toNanos();
        while (!Files.exists(status) || Files.size(status) == 0) {
            assertTrue(System.nanoTime() < deadline, "the Python unit tests CI started did not end: " + ranBeside);
            Thread.sleep(500);
        }
        String log = Files.readString(Path.of(ranBeside + ".log"));
        System.out.println(log);
        assertEquals("0", Files.readString(status).trim(), "the Python unit tests failed:\n" + log);
        assertTrue(log.lines().anyMatch(l -> l.matches("Ran [1-9][0-9]* tests? in .*")), "no tests ran:\n" + log);
    }

    /**
     * The one-call GPU recipe (trainer/gpu-run.sh), run here on CPU with a few steps: a GPU session has one call
     * to spend on it and no time to find out that it broke. Not part of {@code mvn verify} (CI's time is short, and
     * the trainer service's training runs, which the end-to-end journey exercises, train, export and load the same
     * way): run it before a device session with {@code mvn -pl trainer test -DexcludedGroups= -Dgroups=gpu-recipe}.
     */
    @Test
    @Tag(GPU_RECIPE)
    void theGpuRecipeBringsBackWeightsTheExporterTurnsIntoAModelTheCoreRuns(@TempDir Path out) throws Exception {
        Path voc = BccdImages.directory();
        trainer.runRecipe(Path.of("gpu-run.sh"), Map.of("OUT", out.toString(), "GPU_VOC", voc.toString(),
                "GPU_MINUTES", "0.05", "GPU_BATCH", "2", "GPU_CROP", "256", "GPU_SIZE", "256", "GPU_VAL_LIMIT", "4",
                "GPU_EXTRA", "--limit 4 --max-steps 2 --workers 1 --threads 2"), System.out::println);

        for (String file : List.of("train.log", "history.json", "curve.png", "last.pt", "best.pt", "val.txt")) {
            assertTrue(Files.size(out.resolve(file)) > 0, file + " came back empty");
        }
        assertTrue(Files.readString(out.resolve("val.txt")).contains("AP@[.5:.95]"), "val.txt holds no AP table");
        Path model = out.resolve("gpu.onnx");
        trainer.run("efficientdet.export", List.of("--checkpoint", out.resolve("last.pt").toString(),
                "--out", model.toString(), "--name", "gpu-smoke", "--version", "0.0.0-smoke"), System.out::println);
        assertTheDetectionCoreRuns(model, "gpu-smoke");
    }

    private static void assertTheDetectionCoreRuns(Path model, String name) throws Exception {
        try (CellDetector detector = CellDetector.load(model, 2);
                CellDetector released = CellDetector.load(Path.of("../models/efficientdet-d0-bccd.onnx"), 1)) {
            assertEquals(name, detector.model().name());
            assertEquals(released.modelSettings(), detector.modelSettings(),
                    "a new model carries the post-processing the released one was chosen with (config.POST_PROCESSING)");
            assertEquals(List.of("RBC", "WBC", "Platelets"), detector.model().classes());
            Path image = Path.of("../demo-images/BloodImage_00007.jpg");
            DetectionResult result = detector.detect(Files.readAllBytes(image));
            assertEquals(640, result.imageWidth());
            assertEquals(detector.model().classes(), List.copyOf(result.counts().keySet()));
            assertTrue(result.detections().stream().allMatch(d -> d.x1() >= 0 && d.x2() <= 640 && d.y2() <= 480));
        }
    }
}
