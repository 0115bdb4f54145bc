package org.bloodcells.trainer.registry;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A released model as the registry lists it.
 *
 * @param metrics the evaluation summary written beside the model ({@code <name>.metrics.json}), null if none
 */
public record ReleasedModel(String file, String name, String version, List<String> classes, int inputSize,
        long sizeBytes, String sha256, JsonNode metrics) {
}
