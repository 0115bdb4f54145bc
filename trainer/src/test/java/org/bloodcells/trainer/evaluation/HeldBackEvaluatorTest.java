package org.bloodcells.trainer.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import jakarta.inject.Inject;

import org.bloodcells.testsupport.LocalInfrastructureTestResource;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The held-back evaluation as the trainer configures it (BCCD's test split, its first 4 images in tests, 2 threads),
 * through model-eval's evaluation with the released model's own post-processing under COCO's protocol.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfrastructureTestResource.class, restrictToAnnotatedClass = false)
class HeldBackEvaluatorTest {

    private static final Path RELEASED = Path.of("../models/efficientdet-d0-bccd.onnx");

    @Inject
    HeldBackEvaluator evaluator;

    @Test
    void theConfiguredHeldBackImagesAreMeasuredWithTheModelsOwnPostProcessingUnderCocosProtocol() {
        ByteArrayOutputStream log = new ByteArrayOutputStream();

        HeldBackEvaluator.Figures figures = evaluator.evaluate(RELEASED, new PrintStream(log, true,
                StandardCharsets.UTF_8));

        assertEquals("bccd", figures.dataset());
        assertEquals("test", figures.split());
        assertEquals(4, figures.images());
        assertEquals(evaluator.splitFingerprint(), figures.splitFingerprint());
        assertTrue(figures.ap50() > 0.5 && figures.ap50() <= 1, "AP@0.5 " + figures.ap50());
        assertEquals(figures.ap(), figures.summary().path("metrics").path("ap").asDouble());
        assertEquals(2, figures.summary().path("threads").asInt());
        assertEquals(0.001, figures.summary().path("scoreThreshold").asDouble(), "COCO's score threshold");
        assertEquals(100, figures.summary().path("maxDetections").asInt(), "COCO's maxDets");
        assertEquals(2, figures.summary().path("testTimeFlips").asInt(), "the released model's views");
        String progress = log.toString(StandardCharsets.UTF_8);
        assertTrue(progress.contains("[4/4] "), progress);
    }
}
