package org.bloodcells.trainer.promotion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bloodcells.trainer.evaluation.HeldBackEvaluator.Figures;
import org.junit.jupiter.api.Test;

class PromotionGateTest {

    private static final PromotionGate GATE = new PromotionGate(0.01, 0.005);

    private static Figures figures(double ap50, double ap) {
        return figures("split-a", ap50, ap);
    }

    private static Figures figures(String fingerprint, double ap50, double ap) {
        return new Figures("bccd", "test", fingerprint, 72, ap50, ap, null);
    }

    @Test
    void theFirstPromotionOfAModelPasses() {
        assertTrue(GATE.judge(figures(0.1, 0.01), null).passes());
    }

    @Test
    void aCandidateWithinTheTolerancesPassesEvenIfSlightlyWorse() {
        assertTrue(GATE.judge(figures(0.925, 0.631), figures(0.9334, 0.6348)).passes());
    }

    @Test
    void aDropInAp50BeyondItsToleranceIsRefusedWithBothFigures() {
        PromotionGate.Verdict verdict = GATE.judge(figures(0.9, 0.64), figures(0.9334, 0.6348));
        assertFalse(verdict.passes());
        assertEquals(1, verdict.failures().size(), verdict.failures().toString());
        assertTrue(verdict.failures().get(0).contains("AP@0.5 0.9000") && verdict.failures().get(0).contains("0.9334"),
                verdict.failures().get(0));
    }

    @Test
    void aDropInApBeyondItsToleranceIsRefusedEvenWhenAp50Improves() {
        PromotionGate.Verdict verdict = GATE.judge(figures(0.95, 0.62), figures(0.9334, 0.6348));
        assertEquals(1, verdict.failures().size());
        assertTrue(verdict.failures().get(0).startsWith("AP@[.5:.95]"), verdict.failures().get(0));
    }

    @Test
    void figuresOverDifferentImagesAreNotCompared() {
        PromotionGate.Verdict verdict = GATE.judge(figures("split-b", 0.99, 0.9), figures(0.5, 0.3));
        assertFalse(verdict.passes());
        assertTrue(verdict.failures().get(0).contains("different images"), verdict.failures().get(0));
    }

    @Test
    void negativeTolerancesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new PromotionGate(-0.01, 0));
    }
}
