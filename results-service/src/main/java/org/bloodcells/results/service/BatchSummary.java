package org.bloodcells.results.service;

import java.util.List;
import java.util.Map;

/**
 * Progress and totals of one upload batch.
 *
 * @param counts        cells per class over the batch's DONE images, each by its latest run
 * @param modelVersions the model versions whose counts make up the totals
 */
public record BatchSummary(String batchId, BatchProgress images, Map<String, Long> counts,
        List<ModelVersion> modelVersions) {
}
