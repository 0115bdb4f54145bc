package org.bloodcells.results.report;

/**
 * An analyst's signature of a slide's report.
 *
 * @param version                the report version the analyst read (GET /slides/{id}/report)
 * @param reason                 why an amended report is signed again; required for every signature after the first
 * @param acknowledgeUnreviewed  true to sign although flagged fields are left out unreviewed
 */
public record SignOffRequest(String version, String reason, boolean acknowledgeUnreviewed) {
}
