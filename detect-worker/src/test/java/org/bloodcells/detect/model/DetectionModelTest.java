package org.bloodcells.detect.model;

import static org.bloodcells.detect.StoredImages.bccd;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

import org.bloodcells.detect.service.ModelLease;
import org.bloodcells.detection.CellDetector;
import org.bloodcells.detection.Detection;
import org.bloodcells.detection.ExecutionProvider;
import org.bloodcells.detection.SessionSettings;
import org.bloodcells.detection.SyntheticModel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The released model, copied where the test can replace it the way a deployment publishes a new one; the new
 * version is a different model (a synthetic one that finds a single WBC), so a swap shows in what is detected.
 */
class DetectionModelTest {

    private static final Path RELEASED = Path.of("../models/efficientdet-d0-bccd.onnx");
    private static final SessionSettings CPU_1 = new SessionSettings(1, ExecutionProvider.CPU);

    /** What a detection ran on, and found. */
    record Run(String version, List<Detection> detections) {
    }

    @TempDir
    Path dir;

    private Path modelFile;
    private DetectionModel model;
    private final List<String> loaded = new CopyOnWriteArrayList<>();
    private final byte[] image = bccd("BloodImage_00007.jpg");

    @BeforeEach
    void load() throws IOException {
        modelFile = dir.resolve("model.onnx");
        Files.copy(RELEASED, modelFile);
        model = new DetectionModel(modelFile, CPU_1, UnaryOperator.identity(),
                loaded -> this.loaded.add(loaded.model().version()));
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

    private byte[] otherModel() throws IOException {
        return Files.readAllBytes(new SyntheticModel().metadata("model_version", "2.0.0-synthetic")
                .score(0, 1, 0.9f).writeTo(dir.resolve("synthetic.onnx")));
    }

    /** One image detected the way a batch does it: on a leased model. */
    private Run detect() throws Exception {
        try (ModelLease lease = model.lease()) {
            return new Run(lease.detector().model().version(), lease.detector().detect(image).detections());
        }
    }

    private List<Detection> detectedBy(Path file) throws Exception {
        try (CellDetector direct = CellDetector.load(file, 1)) {
            return direct.detect(image).detections();
        }
    }

    @Test
    void anUnchangedFileIsNotReloaded() {
        assertFalse(model.reloadIfChanged());
        assertEquals(1, model.generation());
    }

    @Test
    void aNewVersionIsSwappedInAndDetectsAsThatVersionDoes() throws Exception {
        List<Detection> released = detectedBy(RELEASED);
        assertEquals(released, detect().detections());

        publish(otherModel(), Instant.now().plusSeconds(60));
        assertTrue(model.reloadIfChanged());

        assertEquals(2, model.generation());
        Run run = detect();
        assertEquals("2.0.0-synthetic", run.version());
        assertEquals(detectedBy(modelFile), run.detections());
        assertNotEquals(released, run.detections());
        assertEquals(List.of("1.3.0", "2.0.0-synthetic"), loaded, "told of every model it loaded");
        assertFalse(model.reloadIfChanged());
    }

    /**
     * Detections run on two threads without pause while the new version is swapped in: none fails on a closed
     * session, each is wholly the old model's or wholly the new one's, some old ones were still running when the swap
     * began, and every detection started after it returned is the new model's.
     */
    @Test
    void detectionsInFlightFinishOnTheOldModelAndNoneFailsDuringTheSwap() throws Exception {
        List<Detection> before = detect().detections();
        byte[] next = otherModel();
        List<Detection> after = detectedBy(dir.resolve("synthetic.onnx"));
        record Timed(String version, List<Detection> detections, long started, long ended) {
        }
        List<Timed> runs = new CopyOnWriteArrayList<>();
        AtomicBoolean going = new AtomicBoolean(true);
        ExecutorService callers = Executors.newFixedThreadPool(2);
        List<Future<?>> loops = new ArrayList<>();
        long swapBegan;
        long swapEnded;
        try {
            for (int t = 0; t < 2; t++) {
                loops.add(callers.submit(() -> {
                    while (going.get()) {
                        long started = System.nanoTime();
                        Run run = detect();
                        runs.add(new Timed(run.version(), run.detections(), started, System.nanoTime()));
                    }
                    return null;
                }));
            }
            awaitRuns(loops, () -> runs.size() >= 2);
            publish(next, Instant.now().plusSeconds(60));
            swapBegan = System.nanoTime();
            assertTrue(model.reloadIfChanged());
            swapEnded = System.nanoTime();
            awaitRuns(loops, () -> runs.stream().filter(r -> r.started() > swapEnded).count() >= 4);
        } finally {
            going.set(false);
            callers.shutdown();
            assertTrue(callers.awaitTermination(60, TimeUnit.SECONDS));
        }
        for (Future<?> loop : loops) {
            loop.get(); // rethrows what a detection threw
        }
        List<Timed> all = List.copyOf(runs);
        for (Timed run : all) {
            assertEquals(run.version().equals("2.0.0-synthetic") ? after : before, run.detections(), run.version());
        }
        assertTrue(all.stream().anyMatch(r -> !r.version().equals("2.0.0-synthetic") && r.ended() > swapBegan),
                "no detection of the old model was running when the swap began");
        assertTrue(all.stream().filter(r -> r.started() > swapEnded).allMatch(r -> r.version().equals("2.0.0-synthetic")),
                "a detection started after the swap ran the old model");
    }

    /** Waits for the callers' runs; a caller that stopped (its detection threw) ends the wait with its error. */
    private static void awaitRuns(List<Future<?>> callers, BooleanSupplier enough) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!enough.getAsBoolean()) {
            for (Future<?> caller : callers) {
                if (caller.isDone()) {
                    caller.get();
                    throw new AssertionError("a caller stopped detecting");
                }
            }
            assertTrue(System.nanoTime() < deadline, "the callers made too few detections in 60 s");
            Thread.sleep(5);
        }
    }

    @Test
    void aFileThatDoesNotLoadLeavesTheRunningModelAndIsRetriedWhenItChanges() throws Exception {
        byte[] released = Files.readAllBytes(RELEASED);
        publish(Arrays.copyOf(released, released.length / 2), Instant.now().plusSeconds(60));   // half copied
        assertFalse(model.reloadIfChanged());
        assertFalse(model.reloadIfChanged());
        assertEquals(1, model.generation());
        assertFalse(detect().detections().isEmpty(), "the old session still detects");

        publish(otherModel(), Instant.now().plusSeconds(120));
        assertTrue(model.reloadIfChanged());
        assertEquals(2, model.generation());
        assertEquals("2.0.0-synthetic", model.info().version());
    }

    @Test
    void opsOverridesApplyToEveryModelTheWorkerLoads() throws Exception {
        model.close();
        model = new DetectionModel(modelFile, CPU_1, s -> s.withTestTimeFlips(1).withMaxDetections(5), m -> { });
        assertEquals(1, model.running().settings().testTimeFlips());
        assertEquals(5, detect().detections().size());

        publish(otherModel(), Instant.now().plusSeconds(60));
        assertTrue(model.reloadIfChanged());
        assertEquals(SyntheticModel.PLAIN.withMaxDetections(5), model.running().settings());
    }

    @Test
    void aMissingFileStopsTheWorkerAtStart() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new DetectionModel(dir.resolve("absent.onnx"), CPU_1, UnaryOperator.identity(), m -> { }));
        assertTrue(e.getMessage().startsWith("No model file at "), e.getMessage());
    }

    @Test
    void anImpossibleOverrideStopsTheWorkerAtStart() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new DetectionModel(modelFile, CPU_1, s -> s.withTestTimeFlips(3), m -> { }));
        assertEquals("Invalid bloodcells.detector settings: testTimeFlips must be 1, 2 or 4, was 3", e.getMessage());
    }

    /**
     * The file a worker starts with is pinned by its SHA-256 (the model card's): other bytes are refused before ONNX
     * Runtime reads them, at start and by the file watch, which keeps the pinned model running. (%test pins the
     * released model: every worker test that starts the service checks that pin.)
     */
    @Test
    void aModelFileWhoseHashIsNotThePinnedOneIsRefusedAtStartAndByTheFileWatch() throws Exception {
        model.close();
        String released = org.bloodcells.storage.ModelObjects.sha256(RELEASED);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new DetectionModel(modelFile,
                java.util.Optional.of("0".repeat(64)), CPU_1, UnaryOperator.identity(), m -> { }, null,
                java.time.Duration.ZERO));
        assertTrue(e.getMessage().contains("not the one bloodcells.detector.model-sha256 pins"), e.getMessage());

        model = new DetectionModel(modelFile, java.util.Optional.of(released), CPU_1, UnaryOperator.identity(),
                m -> { }, null, java.time.Duration.ZERO);
        publish(otherModel(), Instant.now().plusSeconds(60));
        assertEquals(false, model.reloadIfChanged(), "a file with other bytes is not swapped in");
        assertEquals(released, model.running().sha256());
        assertEquals("1.3.0", model.info().version());
    }
}
