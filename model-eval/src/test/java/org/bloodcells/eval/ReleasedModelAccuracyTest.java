package org.bloodcells.trainer;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.bloodcells.detection.eval.CocoMetrics;
import org.bloodcells.detection.eval.EvaluateModel;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The released model still reaches, on the BCCD test split and through the workers' own Java
 * code, the accuracy its model card states (models/efficientdet-d0-bccd.metrics.json), within
 * 0.01. Guards against a changed pre-processing, decoder or NMS silently costing accuracy.
 */
class ReleasedModelAccuracyTest {

    private static final Path MODEL = Path.of("../models/efficientdet-d0-bccd.onnx");
    private static final Path CARD_METRICS = Path.of("../models/efficientdet-d0-bccd.metrics.json");

    @Test
    void releasedModelReachesItsCardsAccuracyOnTheTestSplit() throws Exception {
        Path voc = Path.of(System.getProperty("bccd.dir", "../../shared/datasets/bccd"));
        Assumptions.assumeTrue(Files.isDirectory(voc.resolve("Annotations")), "BCCD not found at " + voc.toAbsolutePath());
        JsonNode summary = new ObjectMapper().readTree(CARD_METRICS.toFile());
        JsonNode card = summary.path("metrics");

        // The card was measured with these views and this voting; the guard replays them.
        CocoMetrics measured = EvaluateModel.run(EvaluateModel.parse(new String[] {
                "--model", MODEL.toString(), "--voc", voc.toString(), "--split", "test", "--batch", "1",
                "--flips", String.valueOf(summary.path("testTimeFlips").asInt(1)),
                "--vote-iou", String.valueOf(summary.path("boxVotingIou").asDouble(0)),
                "--soft-nms", String.valueOf(summary.path("softNmsSigma").asDouble(0)) }),
                System.out).metrics();

        double cardAp50 = card.path("ap50").asDouble();
        double cardAp = card.path("ap").asDouble();
        assertTrue(measured.ap50() >= cardAp50 - 0.01,
                "AP@0.5 " + measured.ap50() + " fell below the card's " + cardAp50 + " - 0.01");
        assertTrue(measured.ap() >= cardAp - 0.01,
                "AP@[.5:.95] " + measured.ap() + " fell below the card's " + cardAp + " - 0.01");
    }
}
