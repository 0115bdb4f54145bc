package org.bloodcells.results.report;

import java.time.Instant;
import java.util.List;

/**
 * A slide's report as analysts read it: what it says now, its version (the hash of what it says: the signer sends
 * it back so that a report that changed meanwhile is not signed unseen), its state and every signature so far.
 */
public record SlideReport(String slideId, String version, SignOffState state, ReportContent report,
        List<Signature> signatures) {

    /**
     * One signature, kept for good: a later amendment adds another.
     *
     * @param number                 1 for the first signature of the slide, then 2, 3...
     * @param version                the report version signed
     * @param acknowledgedUnreviewed flagged fields left out unreviewed that the signer said they sign without
     */
    public record Signature(int number, String version, String signedBy, Instant signedAt, String reason,
            int acknowledgedUnreviewed) {
    }
}
