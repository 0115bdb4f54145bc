package org.bloodcells.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import org.bloodcells.detection.Detection;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * 30 random images (174 cells, 427 detections: jittered hits, duplicates, false positives, a class-less false
 * positive, an image with more than 100 detections of a class), scored by the trainer's Python COCO code
 * ({@code src/test/resources/coco-parity/make_fixture.py}); the Java evaluator must give the same numbers.
 */
class CocoEvaluatorParityTest {

    @Test
    void agreesWithTheTrainersPythonEvaluator() throws IOException {
        JsonNode fixture;
        try (InputStream in = getClass().getResourceAsStream("/coco-parity/scenario.json")) {
            fixture = new ObjectMapper().readTree(in);
        }
        List<String> classes = new ArrayList<>();
        fixture.get("classes").forEach(c -> classes.add(c.asText()));
        CocoEvaluator evaluator = new CocoEvaluator(classes);
        for (JsonNode image : fixture.get("images")) {
            List<GroundTruthBox> truth = new ArrayList<>();
            for (JsonNode g : image.get("truth")) {
                JsonNode b = g.get("box");
                truth.add(new GroundTruthBox(g.get("cellClass").asText(), f(b, 0), f(b, 1), f(b, 2), f(b, 3)));
            }
            List<Detection> detections = new ArrayList<>();
            for (JsonNode d : image.get("detections")) {
                JsonNode b = d.get("box");
                detections.add(new Detection(d.get("cellClass").asText(), (float) d.get("score").asDouble(),
                        f(b, 0), f(b, 1), f(b, 2), f(b, 3)));
            }
            evaluator.add(truth, detections);
        }
        CocoMetrics m = evaluator.evaluate();
        JsonNode expected = fixture.get("expected");
        double tolerance = 1e-9;
        assertEquals(expected.get("AP").asDouble(), m.ap(), tolerance, "AP");
        assertEquals(expected.get("AP50").asDouble(), m.ap50(), tolerance, "AP50");
        assertEquals(expected.get("AP75").asDouble(), m.ap75(), tolerance, "AP75");
        assertEquals(expected.get("AP_small").asDouble(), m.apSmall(), tolerance, "AP small");
        assertEquals(expected.get("AP_medium").asDouble(), m.apMedium(), tolerance, "AP medium");
        assertEquals(expected.get("AP_large").asDouble(), m.apLarge(), tolerance, "AP large");
        assertEquals(expected.get("AR100").asDouble(), m.ar100(), tolerance, "AR@100");
        for (int k = 0; k < classes.size(); k++) {
            CocoMetrics.ClassMetrics c = m.perClass().get(classes.get(k));
            assertEquals(expected.get("per_class_AP50").get(k).asDouble(), c.ap50(), tolerance, classes.get(k));
            assertEquals(expected.get("per_class_AP").get(k).asDouble(), c.ap(), tolerance, classes.get(k));
        }
    }

    /** Coordinates are quarter pixels, exact in float and double alike. */
    private static float f(JsonNode box, int i) {
        return (float) box.get(i).asDouble();
    }
}
