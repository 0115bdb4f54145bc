package org.bloodcells.results.query;

import java.util.Arrays;

/** What aggregates are grouped by, and the SQL expression of the group's key. */
public enum Grouping {
    SCANNER("scanner_id"),
    SLIDE("slide_id"),
    BATCH("batch_id"),
    /** The UTC day of the upload. */
    DAY("(uploaded_at at time zone 'UTC')::date");

    final String key;

    Grouping(String key) {
        this.key = key;
    }

    public static Grouping parse(String by) {
        return Arrays.stream(values()).filter(g -> g.name().equalsIgnoreCase(by)).findFirst()
                .orElseThrow(() -> new InvalidQueryException("by must be scanner, slide, batch or day, was " + by));
    }

    public String label() {
        return name().toLowerCase();
    }
}
