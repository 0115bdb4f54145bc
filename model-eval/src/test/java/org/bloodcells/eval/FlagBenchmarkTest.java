package org.bloodcells.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.bloodcells.images.BccdImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The flag benchmark reports every data set, flag and colour alone, and reuses its detections. */
class FlagBenchmarkTest {

    @Test
    void reportsFlaggedSharesAndErrorsPerDataSetAndReusesTheCachedDetections(@TempDir Path dir) throws Exception {
        Path cache = dir.resolve("cache.json");
        String[] args = {"--model", RobustnessBenchmarkTest.MODEL, "--voc", BccdImages.directory().toString(),
            "--other-lab", OtherLabDatasetTest.DIR.toString(), "--limit", "1", "--cache", cache.toString()};
        List<FlagBenchmark.Row> rows = FlagBenchmark.parse(args).run(quiet());
        assertEquals(List.of("BCCD val (chosen on)", "other lab site corrections (chosen on)", "BCCD test",
                "other lab held back", "other lab, all 100 (for information)"),
                rows.stream().map(FlagBenchmark.Row::data).distinct().toList());
        for (FlagBenchmark.Row row : rows) {
            assertTrue(row.flagged() <= row.images(), row.toString());
        }
        assertEquals(2, rows.get(rows.size() - 1).images(), "one crop of each half");
        long cached = Files.size(cache);
        assertEquals(rows, FlagBenchmark.parse(args).run(quiet()), "the same figures from the cache");
        assertEquals(cached, Files.size(cache));
    }

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    }
}
