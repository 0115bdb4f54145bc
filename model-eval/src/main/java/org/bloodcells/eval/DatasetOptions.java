package org.bloodcells.eval;

import java.nio.file.Path;

import picocli.CommandLine.Option;

/**
 * Where the evaluation tools take their images from: a split of a PASCAL VOC dataset, by default
 * {@link EvaluationRequest}'s.
 */
public class DatasetOptions {

    @Option(names = "--voc", paramLabel = "DIR",
            description = "PASCAL VOC dataset (default: ${DEFAULT-VALUE}, the project's BCCD)")
    Path voc = EvaluationRequest.DEFAULT_DATASET;

    @Option(names = "--split", description = "split of the dataset (default: ${DEFAULT-VALUE})")
    String split = EvaluationRequest.DEFAULT_SPLIT;

    @Option(names = "--threads", paramLabel = "N",
            description = "ONNX Runtime intra-op threads (default: ${DEFAULT-VALUE})")
    int threads = EvaluationRequest.DEFAULT_THREADS;
}
