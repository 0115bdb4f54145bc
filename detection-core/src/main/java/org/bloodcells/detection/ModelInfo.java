package org.bloodcells.detection;

import java.util.List;

/**
 * Identity of a loaded model, from its ONNX metadata.
 *
 * @param name      {@code model_name}, stored with every detection
 * @param version   {@code model_version}, stored with every detection
 * @param classes   class names in the order of the model's score columns
 * @param inputSize S, the side of the square input
 */
public record ModelInfo(String name, String version, List<String> classes, int inputSize) {

    public ModelInfo {
        classes = List.copyOf(classes);
    }
}
