package org.bloodcells.detection;

/**
 * How ONNX Runtime runs a model, as opposed to what the model's outputs become ({@link DetectorSettings}).
 *
 * @param intraOpThreads threads one model run may use; callers running models in parallel should keep
 *                       {@code intraOpThreads × callers} within the machine's cores
 * @param provider       the execution provider asked for
 */
public record SessionSettings(int intraOpThreads, ExecutionProvider provider) {

    public SessionSettings {
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException("intraOpThreads must be at least 1, was " + intraOpThreads);
        }
        if (provider == null) {
            throw new IllegalArgumentException("an execution provider is required");
        }
    }
}
