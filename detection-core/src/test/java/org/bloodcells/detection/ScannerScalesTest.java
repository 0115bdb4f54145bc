package org.bloodcells.detection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.OptionalDouble;

import org.junit.jupiter.api.Test;

class ScannerScalesTest {

    private final ScannerScales scales = new ScannerScales();

    private static ImageScale estimated(double mpp) {
        return new ImageScale(mpp, ImageScale.Source.ESTIMATED);
    }

    @Test
    void aScannersScaleIsReusedOnceThreeEstimatesAgree() {
        scales.observed("scanner-7", estimated(0.072), false);
        scales.observed("scanner-7", estimated(0.074), false);
        assertEquals(OptionalDouble.empty(), scales.likely("scanner-7"), "two estimates are not enough");
        scales.observed("scanner-7", estimated(0.073), false);
        assertEquals(OptionalDouble.of(0.073), scales.likely("scanner-7"), "their median");
        assertEquals(Map.of("scanner-7", 0.073), scales.learned());
        assertTrue(scales.likely("scanner-8").isEmpty(), "per scanner");
    }

    @Test
    void onlyEstimatesOfUnflaggedImagesCount() {
        for (int i = 0; i < 3; i++) {
            scales.observed("declared", new ImageScale(0.072, ImageScale.Source.DECLARED), false);
            scales.observed("flagged", estimated(0.072), true);
            scales.observed("unknown", ImageScale.unknown(), false);
        }
        assertEquals(Map.of(), scales.learned());
    }

    @Test
    void estimatesThatDisagreeAreNotReusedUntilTheLatestAgreeAgain() {
        scales.observed("s", estimated(0.07), false);
        scales.observed("s", estimated(0.10), false);
        scales.observed("s", estimated(0.14), false);
        assertTrue(scales.likely("s").isEmpty(), "a scanner whose images disagree has no scale of its own");
        // the magnification changed: the latest five are the new one's but one
        for (int i = 0; i < 4; i++) {
            scales.observed("s", estimated(0.14), false);
        }
        assertEquals(OptionalDouble.of(0.14), scales.likely("s"));
    }

    @Test
    void theWorkersReadmeStatesTheFiguresThisClassUses() throws Exception {
        String readme = java.nio.file.Files.readString(java.nio.file.Path.of("../detect-worker/README.md"))
                .replaceAll("\\s+", " ");
        String[] words = {"zero", "one", "two", "three", "four", "five", "six", "seven"};
        assertTrue(readme.contains("once " + words[ScannerScales.TO_LEARN] + " of a scanner's last "
                + words[ScannerScales.KEPT] + " images of unknown scale measured a scale within "
                + Math.round(ScannerScales.AGREEMENT * 100) + " % of their median"), "README's rule for reuse");
        assertTrue(readme.contains(String.format(java.util.Locale.ROOT, "(the last %,d scanners)",
                ScannerScales.SCANNERS).replace(',', ' ')), "README's memory of scanners");
        assertTrue(readme.contains("agree (within " + Math.round(ScaleSearch.ESTIMATE_TOLERANCE * 100) + " %)"),
                "README's tolerance of an estimate");
    }
}
