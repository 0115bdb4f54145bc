package org.bloodcells.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.bloodcells.images.BccdImages;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The released model still reaches, on the BCCD test split and through the workers' own Java code with the
 * post-processing the model carries, the accuracy its model card states ({@code models/*.metrics.json}), within 0.01.
 * Guards against a changed pre-processing, decoder or NMS silently costing accuracy, and against a card measured with
 * other settings than the model runs with.
 */
class ReleasedModelAccuracyTest {

    private static final Path MODEL = Path.of("../models/efficientdet-d0-bccd.onnx");
    private static final Path CARD_METRICS = Path.of("../models/efficientdet-d0-bccd.metrics.json");

    @Test
    void theReleasedModelReachesItsCardsAccuracyOnTheTestSplitWithTheSettingsItCarries() throws Exception {
        JsonNode card = new ObjectMapper().readTree(CARD_METRICS.toFile());

        Evaluation.Summary measured = Evaluation.run(
                EvaluationRequest.of(MODEL).withDataset(BccdImages.directory(), "test"), System.out);

        assertEquals(card.path("version").asText(), measured.version(), "the card describes another version");
        assertEquals(card.path("testTimeFlips").asInt(), measured.testTimeFlips(), "views");
        assertEquals(card.path("boxVotingIou").asDouble(), measured.boxVotingIou(), "box voting");
        assertEquals(card.path("softNmsSigma").asDouble(), measured.softNmsSigma(), "soft-NMS");
        assertEquals(card.path("nmsIouThreshold").asDouble(), measured.nmsIouThreshold(), "NMS IoU");
        double cardAp50 = card.path("metrics").path("ap50").asDouble();
        double cardAp = card.path("metrics").path("ap").asDouble();
        assertTrue(measured.metrics().ap50() >= cardAp50 - 0.01,
                "AP@0.5 " + measured.metrics().ap50() + " fell below the card's " + cardAp50 + " - 0.01");
        assertTrue(measured.metrics().ap() >= cardAp - 0.01,
                "AP@[.5:.95] " + measured.metrics().ap() + " fell below the card's " + cardAp + " - 0.01");
        // the calibrated count table: per class, the mean absolute count error no more than 0.05 above the card's
        card.path("counts").fields().forEachRemaining(c -> {
            double cardError = c.getValue().path("meanAbsoluteError").asDouble();
            double error = measured.counts().get(c.getKey()).meanAbsoluteError();
            assertTrue(error <= cardError + 0.05, c.getKey() + " count error " + error + " against the card's "
                    + cardError);
        });
        assertTrue(card.path("counts").size() == 3, "the card has no count table");
    }
}
