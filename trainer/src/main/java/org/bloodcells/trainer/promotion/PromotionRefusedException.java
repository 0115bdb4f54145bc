package org.bloodcells.trainer.promotion;

import java.util.List;

import org.bloodcells.trainer.evaluation.HeldBackEvaluator.Figures;

/** The gate refused a promotion: 409 with both versions' figures and the reasons. */
public class PromotionRefusedException extends RuntimeException {

    private final String candidate;
    private final String promoted;
    private final List<String> failures;
    private final Figures candidateFigures;
    private final Figures promotedFigures;
    private final boolean overridable;

    public PromotionRefusedException(String candidate, String promoted, List<String> failures, Figures candidateFigures,
            Figures promotedFigures, boolean overridable) {
        super(candidate + " not promoted: " + String.join("; ", failures));
        this.candidate = candidate;
        this.promoted = promoted;
        this.failures = List.copyOf(failures);
        this.candidateFigures = candidateFigures;
        this.promotedFigures = promotedFigures;
        this.overridable = overridable;
    }

    public String candidate() {
        return candidate;
    }

    public String promoted() {
        return promoted;
    }

    public List<String> failures() {
        return failures;
    }

    public Figures candidateFigures() {
        return candidateFigures;
    }

    public Figures promotedFigures() {
        return promotedFigures;
    }

    /** False for a file that fails the contract or its checksum: no override makes a worker run it. */
    public boolean overridable() {
        return overridable;
    }
}
