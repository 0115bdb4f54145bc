package org.bloodcells.detection.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import javax.imageio.ImageIO;

import org.bloodcells.detection.SyntheticModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The evaluation command over the three bundled BCCD images, with a synthetic model that finds one WBC each. */
class EvaluateModelTest {

    @TempDir
    Path dir;

    @Test
    void reportsMetricsProgressPicturesAndJson() throws Exception {
        Path model = new SyntheticModel().score(0, 1, 0.9f).writeTo(dir.resolve("model.onnx"));
        Path json = dir.resolve("summary.json");
        Path pictures = dir.resolve("pictures");
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        EvaluateModel.Summary summary = EvaluateModel.run(EvaluateModel.parse(new String[] {
            "--model", model.toString(), "--voc", VocDatasetTest.bundledBccd().toString(), "--split", "test",
            "--batch", "2", "--json", json.toString(), "--pictures", pictures.toString(), "--pictures-count", "2"}),
                new PrintStream(text, true, StandardCharsets.UTF_8));

        String out = text.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("[1/3] BloodImage_00031: 24 ground truth, 1 detections"), out);
        assertTrue(out.contains("[3/3] BloodImage_00068"), out);
        assertTrue(out.lines().anyMatch(l -> l.startsWith("Platelets ")), out);
        assertTrue(out.contains("Mean inference"), out);
        assertEquals(3, summary.images());
        assertEquals(0.001, summary.scoreThreshold());
        assertEquals(100, summary.maxDetections());
        assertEquals(0, summary.metrics().ap50(), 1e-12, "a corner box finds no cell");

        JsonNode written = new ObjectMapper().readTree(json.toFile());
        assertEquals("synthetic-detector", written.get("model").asText());
        assertEquals(3, written.get("metrics").get("images").asInt());
        assertTrue(written.get("metrics").get("perClass").has("WBC"));

        try (var files = Files.list(pictures)) {
            assertEquals(2, files.count());
        }
        BufferedImage picture = ImageIO.read(pictures.resolve("BloodImage_00031.png").toFile());
        assertEquals(2 * 640 + 12, picture.getWidth(), "ground truth and predictions side by side");
    }

    @Test
    void refusesIncompleteOrUnknownArguments() {
        assertThrows(IllegalArgumentException.class, () -> EvaluateModel.parse(new String[] {"--voc", "x"}));
        assertThrows(IllegalArgumentException.class,
                () -> EvaluateModel.parse(new String[] {"--model", "m", "--voc", "v", "--colour", "red"}));
        assertThrows(IllegalArgumentException.class, () -> EvaluateModel.parse(new String[] {"--model"}));
        assertEquals(Map.of("model", "m", "voc", "v"), EvaluateModel.parse(new String[] {"--model", "m", "--voc", "v"}));
    }
}
