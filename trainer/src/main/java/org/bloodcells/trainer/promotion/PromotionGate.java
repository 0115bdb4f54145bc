package org.bloodcells.trainer.promotion;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.bloodcells.trainer.evaluation.HeldBackEvaluator.Figures;

/**
 * Whether a version may replace the promoted one: its AP@0.5 and AP@[.5:.95] on the held-back split may each be
 * lower than the promoted version's by at most a tolerance, over the very same images.
 */
public final class PromotionGate {

    /** Why the gate refused; empty when it lets the version through. */
    public record Verdict(List<String> failures) {
        public boolean passes() {
            return failures.isEmpty();
        }
    }

    private final double ap50Tolerance;
    private final double apTolerance;

    public PromotionGate(double ap50Tolerance, double apTolerance) {
        if (ap50Tolerance < 0 || apTolerance < 0) {
            throw new IllegalArgumentException("tolerances cannot be negative: " + ap50Tolerance + ", " + apTolerance);
        }
        this.ap50Tolerance = ap50Tolerance;
        this.apTolerance = apTolerance;
    }

    /** @param promoted the version in force, null when there is none (the first promotion passes) */
    public Verdict judge(Figures candidate, Figures promoted) {
        List<String> failures = new ArrayList<>();
        if (promoted == null) {
            return new Verdict(failures);
        }
        if (!candidate.splitFingerprint().equals(promoted.splitFingerprint())) {
            failures.add("the two versions were measured on different images (split fingerprints "
                    + candidate.splitFingerprint() + " and " + promoted.splitFingerprint() + ")");
            return new Verdict(failures);
        }
        check(failures, "AP@0.5", candidate.ap50(), promoted.ap50(), ap50Tolerance);
        check(failures, "AP@[.5:.95]", candidate.ap(), promoted.ap(), apTolerance);
        return new Verdict(failures);
    }

    private static void check(List<String> failures, String metric, double candidate, double promoted, double tolerance) {
        if (candidate < promoted - tolerance) {
            failures.add(String.format(Locale.ROOT, "%s %.4f is %.4f below the promoted version's %.4f (tolerance %.4f)",
                    metric, candidate, promoted - candidate, promoted, tolerance));
        }
    }
}
