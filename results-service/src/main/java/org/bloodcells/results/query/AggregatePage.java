package org.bloodcells.results.query;

import java.util.List;

/**
 * Aggregates of one grouping.
 *
 * @param countsBasis {@code reviewed} (an analyst's correction where there is one, else the model's count) or
 *                    {@code model} (the model's counts only)
 * @param next        the cursor of the following page (scanner, slide, batch), null on the last
 */
public record AggregatePage(String by, String countsBasis, List<Aggregate> groups, String next) {
}
