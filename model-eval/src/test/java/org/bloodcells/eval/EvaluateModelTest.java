package org.bloodcells.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.imageio.ImageIO;

import org.bloodcells.detection.DetectorSettings;
import org.bloodcells.detection.SyntheticModel;
import org.bloodcells.images.BccdImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** The evaluation command over three BCCD test images, with a synthetic model that finds one WBC each. */
class EvaluateModelTest {

    @TempDir
    Path dir;

    @Test
    void reportsMetricsProgressPicturesAndJson() throws Exception {
        Path model = new SyntheticModel().score(0, 1, 0.9f).writeTo(dir.resolve("model.onnx"));
        Path json = dir.resolve("summary.json");
        Path pictures = dir.resolve("pictures");
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        Evaluation.Summary summary = Evaluation.run(EvaluateModel.parse(
                "--model", model.toString(), "--voc", BccdImages.directory().toString(), "--split", "test", "--limit",
                "3", "--batch", "2", "--json", json.toString(), "--pictures", pictures.toString(), "--pictures-count",
                "2"), new PrintStream(text, true, StandardCharsets.UTF_8));

        String out = text.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("[1/3] BloodImage_00007: 18 ground truth, 1 detections"), out);
        assertTrue(out.contains("[3/3] BloodImage_00015"), out);
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
        BufferedImage picture = ImageIO.read(pictures.resolve("BloodImage_00007.png").toFile());
        assertEquals(2 * 640 + 12, picture.getWidth(), "ground truth and predictions side by side");
    }

    @Test
    void theModelsOwnPostProcessingRunsExceptWhereCocoOrAnOptionSaysOtherwise() {
        DetectorSettings model = new DetectorSettings(0.3, 0.5, 200, 2, 0.8, 0.5);
        assertEquals(new DetectorSettings(0.001, 0.5, 100, 2, 0.8, 0.5),
                EvaluateModel.parse("--model", "m").postProcessing().applyTo(model));
        assertEquals(new DetectorSettings(0.001, 0.6, 100, 1, 0, 0), EvaluateModel.parse("--model", "m", "--flips",
                "1", "--vote-iou", "0", "--soft-nms", "0", "--iou-threshold", "0.6").postProcessing().applyTo(model));
    }

    @Test
    void aCommandLineNamingOnlyTheModelAsksForTheRequestsDefaultsAndItsHelpShowsThem() {
        assertEquals(EvaluationRequest.of(Path.of("m")), EvaluateModel.parse("--model", "m"));
        String help = new CommandLine(EvaluateModel.class).getUsageMessage().replaceAll("\\s+", " ");
        assertTrue(help.contains("(default: datasets/bccd, the project's BCCD)"), help);
        assertTrue(help.contains("(default: test)"), help);
        assertTrue(help.contains("(default: 0.001, as COCO evaluation does)"), help);
        assertTrue(help.contains("(default: 100, COCO's maxDets)"), help);
    }

    @Test
    void refusesIncompleteUnknownOrImpossibleArguments() {
        assertThrows(ParameterException.class, () -> EvaluateModel.parse("--voc", "x"));
        assertThrows(ParameterException.class, () -> EvaluateModel.parse("--model", "m", "--colour", "red"));
        assertThrows(ParameterException.class, () -> EvaluateModel.parse("--model"));
        assertThrows(ParameterException.class, () -> EvaluateModel.parse("--model", "m", "--flips", "two"));
        assertTrue(assertThrows(ParameterException.class, () -> EvaluateModel.parse("--model", "m", "--batch", "0"))
                .getMessage().contains("batch must be positive"));
        assertTrue(assertThrows(ParameterException.class, () -> EvaluateModel.parse("--model", "m", "--limit=-1"))
                .getMessage().contains("limit must not be negative"));
    }
}
