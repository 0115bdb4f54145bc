package org.bloodcells.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import org.bloodcells.images.BccdImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The robustness benchmark and the calibrator run end to end on a few images with the released model. */
class RobustnessBenchmarkTest {

    static final String MODEL = "../models/efficientdet-d0-bccd.onnx";

    @Test
    void theBenchmarkReportsARowPerModelAndDataSetWithAPAndCountErrors() throws Exception {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        List<RobustnessBenchmark.Row> rows = RobustnessBenchmark.parse("--models", MODEL, "--voc",
                BccdImages.directory().toString(), "--transforms", "clean,zoom-0.5", "--other-lab",
                OtherLabDatasetTest.DIR.toString(), "--limit", "1", "--no-declared")
                .run(new PrintStream(text, true, StandardCharsets.UTF_8));
        assertEquals(List.of("BCCD test clean", "BCCD test zoom-0.5", "other lab"),
                rows.stream().map(RobustnessBenchmark.Row::data).toList());
        for (RobustnessBenchmark.Row row : rows) {
            assertEquals(1, row.images());
            assertTrue(row.ap50() > 0 && row.ap50() <= 1, row.toString());
        }
        assertEquals(List.of("RBC", "WBC"), List.copyOf(rows.get(2).counts().keySet()), "no platelet labels there");
        assertTrue(text.toString(StandardCharsets.UTF_8).contains("| BCCD test zoom-0.5 |"));
    }

    @Test
    void theAbnormalRedCellRowBringsTheOriginalsAndSaysPlainlyWhetherNoMoreWhiteCellsAreFound(@TempDir Path dir)
            throws Exception {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        Path picture = dir.resolve("abnormal-rbc.png");
        List<RobustnessBenchmark.Row> rows = RobustnessBenchmark.parse("--models", MODEL, "--voc",
                BccdImages.directory().toString(), "--transforms", "abnormal-rbc", "--other-lab", "none", "--limit",
                "1", "--no-declared", "--abnormal-picture", picture.toString())
                .run(new PrintStream(text, true, StandardCharsets.UTF_8));
        assertEquals(List.of("BCCD test clean", "BCCD test abnormal-rbc"),
                rows.stream().map(RobustnessBenchmark.Row::data).toList());
        assertEquals(rows.get(0).counts().get("RBC").truth(), rows.get(1).counts().get("RBC").truth(),
                "every deformed red cell is still labelled a red cell");
        RobustnessBenchmark.AbnormalRedCellCheck check = RobustnessBenchmark.abnormalRedCellChecks(rows).get(0);
        assertEquals(rows.get(0).counts().get("WBC").found(), check.whiteCellsOriginal());
        assertEquals(rows.get(1).counts().get("WBC").found(), check.whiteCellsDeformed());
        assertTrue(text.toString(StandardCharsets.UTF_8).contains("- " + check), text.toString(StandardCharsets.UTF_8));
        BufferedImage shown = ImageIO.read(picture.toFile());
        assertTrue(shown.getWidth() > 2 * shown.getHeight(), "the field and its deformation side by side");
    }

    @Test
    void theAbnormalRedCellCheckFailsWhenMoreWhiteCellsAreFoundOnTheDeformedFields() {
        Map<String, CountErrors.ClassCounts> original = Map.of("WBC", new CountErrors.ClassCounts(72, 67, 0.1, 77,
                71));
        Map<String, CountErrors.ClassCounts> deformed = Map.of("WBC", new CountErrors.ClassCounts(72, 60, 0.3, 90,
                71));
        List<RobustnessBenchmark.AbnormalRedCellCheck> checks = RobustnessBenchmark.abnormalRedCellChecks(List.of(
                new RobustnessBenchmark.Row("m 1", "BCCD test clean", "declared", 72, 0.93, original, 0),
                new RobustnessBenchmark.Row("m 1", "BCCD test abnormal-rbc", "declared", 72, 0.9, deformed, 0),
                new RobustnessBenchmark.Row("m 1", "BCCD test abnormal-rbc", "estimated", 72, 0.9, original, 0)));
        assertEquals(1, checks.size(), "only a row with its originals beside it is checked");
        assertFalse(checks.get(0).passes());
        assertEquals("m 1 (declared scale): WBC found on deformed fields 90 > 77 on the originals: FAIL",
                checks.get(0).toString());
        assertTrue(new RobustnessBenchmark.AbnormalRedCellCheck("m 1", "declared", 77, 77).passes());
    }

    @Test
    void theCalibratorMeasuresTheScaleAndFitsCountThresholdsButNeverOnTest(@TempDir Path dir) throws Exception {
        Map<String, String> domain = CalibrateModel.parse("--model", MODEL, "--voc",
                BccdImages.directory().toString(), "--limit", "2", "--count-classes", "WBC", "--out",
                dir.resolve("d.json").toString()).run(new PrintStream(new ByteArrayOutputStream(), true,
                        StandardCharsets.UTF_8));
        assertEquals(List.of("input_microns_per_pixel", "scale_reference", "count_thresholds", "colour_mean",
                "colour_std", "uncertain_share_limit"), List.copyOf(domain.keySet()));
        assertEquals("RBC:7.5", domain.get("scale_reference"));
        // platelets are not fitted here: they keep the score the model already counts them from
        assertTrue(domain.get("count_thresholds").matches("WBC:0\\.\\d{3},Platelets:0\\.625"),
                domain.get("count_thresholds"));
        assertThrows(IllegalArgumentException.class, () -> CalibrateModel.parse("--model", MODEL, "--fit-split",
                "test", "--out", dir.resolve("x.json").toString()).run(System.out));
    }
}
