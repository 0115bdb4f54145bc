package org.bloodcells.eval;

import java.nio.file.Path;

import picocli.CommandLine.Option;

/** Where the evaluation tools take their images from: a split of a PASCAL VOC dataset, the project's BCCD unless said. */
public class DatasetOptions {

    @Option(names = "--voc", defaultValue = "datasets/bccd", paramLabel = "DIR",
            description = "PASCAL VOC dataset (default: ${DEFAULT-VALUE}, the project's BCCD)")
    Path voc;

    @Option(names = "--split", defaultValue = "test", description = "split of the dataset (default: ${DEFAULT-VALUE})")
    String split;

    @Option(names = "--threads", defaultValue = "2", paramLabel = "N",
            description = "ONNX Runtime intra-op threads (default: ${DEFAULT-VALUE})")
    int threads;
}
