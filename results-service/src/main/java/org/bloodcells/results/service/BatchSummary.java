package org.bloodcells.results.service;

import java.util.List;
import java.util.Map;

/**
 * Progress and totals of one upload batch.
 *
 * @param counts        cells per class over the batch's DONE images, each by its run of the promoted
 *                      version, else its latest run
 * @param modelVersions the model versions whose counts make up the totals
 * @param promoted      the versions in force (models-promoted): an image with a run of its model's promoted
 *                      version counts that run, any other image its latest run; when {@code modelVersions} lists
 *                      more than the promoted ones, some images have not been run by the promoted version yet
 * @param countsBasis   {@code model}: the totals are the model's counts, whatever analysts corrected
 *                      ({@code GET /aggregates} sums the corrected counts)
 * @param correctedImages the DONE images among them whose counts an analyst corrected
 */
public record BatchSummary(String batchId, BatchProgress images, Map<String, Long> counts,
        List<ModelVersion> modelVersions, List<ModelVersion> promoted, String countsBasis, long correctedImages) {
}
