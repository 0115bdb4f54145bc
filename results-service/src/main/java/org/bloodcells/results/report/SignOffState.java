package org.bloodcells.results.report;

/** Where a slide's report stands with its signatures. */
public enum SignOffState {
    /** Never signed. */
    UNSIGNED,
    /** Signed, and the report says now what it said when last signed. */
    SIGNED,
    /** Signed before, but it has changed since (a correction, a re-processing): to be signed again, with a reason. */
    AMENDED;

    /** @param lastSigned the version last signed; null when none */
    public static SignOffState of(String current, String lastSigned) {
        if (lastSigned == null) {
            return UNSIGNED;
        }
        return lastSigned.equals(current) ? SIGNED : AMENDED;
    }
}
