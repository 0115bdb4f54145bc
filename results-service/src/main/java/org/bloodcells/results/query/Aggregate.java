package org.bloodcells.results.query;

import java.util.Map;

/**
 * Images and cells of one group (a scanner, slide, batch or UTC day).
 *
 * @param images          every image of the group the filter covers, whatever its status
 * @param correctedImages DONE images whose counts an analyst corrected
 * @param counts          cells per class over the DONE images, as the page's {@code countsBasis} says
 */
public record Aggregate(String key, long images, long done, long pending, long failed, long correctedImages,
        Map<String, Long> counts) {
}
