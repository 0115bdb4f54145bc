package org.bloodcells.trainer.site;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bloodcells.trainer.evaluation.HeldBackEvaluator.Figures;
import org.bloodcells.trainer.site.SiteGate.SiteFigures;
import org.bloodcells.trainer.site.SiteGate.Verdict;
import org.junit.jupiter.api.Test;

class SiteGateTest {

    private static final SiteGate GATE = new SiteGate(0.01);
    private static final Figures BCCD = bccd(0.93);

    private static SiteFigures site(double ap50, double countError) {
        return site("site-test", ap50, countError);
    }

    private static SiteFigures site(String fingerprint, double ap50, double countError) {
        return new SiteFigures(new Figures("ward-3", "test", fingerprint, 50, ap50, ap50 / 2, null), countError);
    }

    private static Figures bccd(double ap50) {
        return bccd("bccd-test", ap50);
    }

    private static Figures bccd(String fingerprint, double ap50) {
        return new Figures("bccd", "test", fingerprint, 72, ap50, ap50 / 2, null);
    }

    @Test
    void aCandidateBetterOnBothSiteFiguresWithinTheBccdTolerancePasses() {
        Verdict verdict = GATE.judge(site(0.82, 3.1), site(0.78, 5.4), bccd(0.924), BCCD);
        assertTrue(verdict.passes(), verdict.failures().toString());
        assertEquals(2, verdict.improvements().size(), verdict.improvements().toString());
    }

    @Test
    void oneStrictlyBetterSiteFigureWithTheOtherEqualIsEnough() {
        assertTrue(GATE.judge(site(0.78, 4.0), site(0.78, 5.4), BCCD, BCCD).passes());
        assertTrue(GATE.judge(site(0.80, 5.4), site(0.78, 5.4), BCCD, BCCD).passes());
    }

    @Test
    void aCandidateNoBetterOnTheSiteIsRefusedEvenIfEqual() {
        Verdict verdict = GATE.judge(site(0.78, 5.4), site(0.78, 5.4), BCCD, BCCD);
        assertFalse(verdict.passes());
        assertTrue(verdict.failures().get(0).contains("no better"), verdict.failures().toString());
    }

    @Test
    void aLowerSiteAp50IsRefusedEvenWithAFarSmallerCountError() {
        Verdict verdict = GATE.judge(site(0.77, 1.0), site(0.78, 5.4), BCCD, BCCD);
        assertFalse(verdict.passes());
        assertEquals(1, verdict.failures().size(), verdict.failures().toString());
        assertTrue(verdict.failures().get(0).startsWith("site test AP@0.5 0.7700"), verdict.failures().get(0));
    }

    @Test
    void aHigherSiteCountErrorIsRefusedEvenWithABetterAp50() {
        Verdict verdict = GATE.judge(site(0.90, 5.5), site(0.78, 5.4), BCCD, BCCD);
        assertFalse(verdict.passes());
        assertTrue(verdict.failures().get(0).contains("count error 5.500"), verdict.failures().toString());
    }

    @Test
    void forgettingBccdBeyondTheToleranceIsRefusedHoweverGoodOnTheSite() {
        Verdict verdict = GATE.judge(site(0.95, 0.5), site(0.78, 5.4), bccd(0.915), BCCD);
        assertFalse(verdict.passes());
        assertEquals(1, verdict.failures().size(), verdict.failures().toString());
        assertTrue(verdict.failures().get(0).contains("BCCD test AP@0.5 0.9150")
                && verdict.failures().get(0).contains("tolerance 0.0100"), verdict.failures().get(0));
        assertTrue(GATE.judge(site(0.95, 0.5), site(0.78, 5.4), bccd(0.9201), BCCD).passes(),
                "0.0099 below is within the tolerance");
    }

    @Test
    void figuresOverDifferentImagesAreNotCompared() {
        Verdict site = GATE.judge(site("other-site-test", 0.99, 0.1), site(0.5, 9), BCCD, BCCD);
        assertFalse(site.passes());
        assertTrue(site.failures().get(0).contains("different site test images"), site.failures().toString());
        Verdict bccd = GATE.judge(site(0.99, 0.1), site(0.5, 9), bccd("first-4", 0.99), BCCD);
        assertFalse(bccd.passes());
        assertTrue(bccd.failures().get(0).contains("different BCCD test images"), bccd.failures().toString());
    }

    @Test
    void aNegativeToleranceIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new SiteGate(-0.01));
    }
}
