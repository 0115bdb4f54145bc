package org.bloodcells.trainer.site;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.bloodcells.trainer.evaluation.HeldBackEvaluator.Figures;

/**
 * Whether a site fine-tune may replace the promoted version: on the site's test split it must be better (AP@0.5 not
 * lower and the mean absolute count error per image, summed over the classes the site labels, not higher; at least
 * one of them strictly better), and on the held-back split (BCCD test) its AP@0.5 may be below the promoted version's
 * by at most a tolerance. Each pair of figures must be over the very same images.
 */
public final class SiteGate {

    /** A version's figures on the site's test split, with its count error over the classes the site labels. */
    public record SiteFigures(Figures figures, double countError) {
    }

    /** What the gate decided, and why it refused; {@code improvements} says where the candidate is better. */
    public record Verdict(boolean passes, List<String> failures, List<String> improvements) {
        public Verdict {
            failures = List.copyOf(failures);
            improvements = List.copyOf(improvements);
        }
    }

    /** Figures closer than this are equal: the same images measured twice may differ in the last float digits. */
    static final double EQUAL = 1e-9;

    private final double bccdAp50Tolerance;

    public SiteGate(double bccdAp50Tolerance) {
        if (!(bccdAp50Tolerance >= 0)) {
            throw new IllegalArgumentException("the BCCD tolerance cannot be negative: " + bccdAp50Tolerance);
        }
        this.bccdAp50Tolerance = bccdAp50Tolerance;
    }

    public Verdict judge(SiteFigures candidateSite, SiteFigures promotedSite, Figures candidateBccd,
            Figures promotedBccd) {
        List<String> failures = new ArrayList<>();
        List<String> improvements = new ArrayList<>();
        sameImages(failures, "site test", candidateSite.figures(), promotedSite.figures());
        sameImages(failures, "BCCD test", candidateBccd, promotedBccd);
        if (!failures.isEmpty()) {
            return new Verdict(false, failures, improvements);
        }
        double ap50 = candidateSite.figures().ap50();
        double promotedAp50 = promotedSite.figures().ap50();
        if (ap50 < promotedAp50 - EQUAL) {
            failures.add(String.format(Locale.ROOT, "site test AP@0.5 %.4f is below the promoted version's %.4f", ap50,
                    promotedAp50));
        } else if (ap50 > promotedAp50 + EQUAL) {
            improvements.add(String.format(Locale.ROOT, "site test AP@0.5 %.4f above the promoted version's %.4f",
                    ap50, promotedAp50));
        }
        double error = candidateSite.countError();
        double promotedError = promotedSite.countError();
        if (error > promotedError + EQUAL) {
            failures.add(String.format(Locale.ROOT, "site test count error %.3f per image is above the promoted "
                    + "version's %.3f", error, promotedError));
        } else if (error < promotedError - EQUAL) {
            improvements.add(String.format(Locale.ROOT, "site test count error %.3f per image below the promoted "
                    + "version's %.3f", error, promotedError));
        }
        if (failures.isEmpty() && improvements.isEmpty()) {
            failures.add(String.format(Locale.ROOT, "no better than the promoted version on the site's test split "
                    + "(AP@0.5 %.4f, count error %.3f per image, both equal)", ap50, error));
        }
        if (candidateBccd.ap50() < promotedBccd.ap50() - bccdAp50Tolerance - EQUAL) {
            failures.add(String.format(Locale.ROOT, "BCCD test AP@0.5 %.4f is %.4f below the promoted version's %.4f "
                    + "(tolerance %.4f)", candidateBccd.ap50(), promotedBccd.ap50() - candidateBccd.ap50(),
                    promotedBccd.ap50(), bccdAp50Tolerance));
        }
        return new Verdict(failures.isEmpty(), failures, improvements);
    }

    private static void sameImages(List<String> failures, String split, Figures candidate, Figures promoted) {
        if (!candidate.splitFingerprint().equals(promoted.splitFingerprint())) {
            failures.add("the two versions were measured on different " + split + " images (fingerprints "
                    + candidate.splitFingerprint() + " and " + promoted.splitFingerprint() + ")");
        }
    }
}
