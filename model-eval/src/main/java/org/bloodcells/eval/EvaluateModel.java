package org.bloodcells.eval;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.bloodcells.eval.EvaluationRequest.Pictures;
import org.bloodcells.eval.EvaluationRequest.PostProcessing;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The command line of an {@link Evaluation}: turns its arguments into an {@link EvaluationRequest}, whose defaults
 * the options start from, and runs it, printing to standard output. The post-processing is the model's own (its
 * metadata), except what COCO evaluation fixes: every detection scoring above 0.001, at most 100 per image. Options
 * change the rest for experiments.
 *
 * <pre>
 * mvn -B -q -pl model-eval -am install -DskipTests
 * mvn -B -q -pl model-eval exec:java -Dexec.mainClass=org.bloodcells.eval.EvaluateModel \
 *   -Dexec.args="--model models/efficientdet-d0-bccd.onnx --split test"
 * </pre>
 */
@Command(name = "EvaluateModel", mixinStandardHelpOptions = true, sortOptions = false,
        description = "COCO metrics of an ONNX model on a split of a PASCAL VOC dataset, through the workers' own "
                + "detection core, with the post-processing the model carries unless an option changes it.")
public final class EvaluateModel implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "FILE.onnx", description = "the model to evaluate")
    Path model;

    @Mixin
    DatasetOptions dataset = new DatasetOptions();

    @Option(names = "--score-threshold", paramLabel = "P",
            description = "keep detections scoring above P (default: ${DEFAULT-VALUE}, as COCO evaluation does)")
    double scoreThreshold = PostProcessing.COCO.scoreThreshold();

    @Option(names = "--max-detections", paramLabel = "N",
            description = "detections per image (default: ${DEFAULT-VALUE}, COCO's maxDets)")
    int maxDetections = PostProcessing.COCO.maxDetections();

    @Option(names = "--iou-threshold", paramLabel = "T", description = "greedy NMS IoU (default: the model's)")
    Double nmsIouThreshold;

    @Option(names = "--flips", paramLabel = "N", description = "test-time views: 1, 2 or 4 (default: the model's)")
    Integer testTimeFlips;

    @Option(names = "--vote-iou", paramLabel = "T", description = "box voting IoU, 0 = off (default: the model's)")
    Double boxVotingIou;

    @Option(names = "--soft-nms", paramLabel = "SIGMA",
            description = "Gaussian soft-NMS sigma, 0 = greedy NMS (default: the model's)")
    Double softNmsSigma;

    @Option(names = "--batch", paramLabel = "N", description = "images per model run (default: ${DEFAULT-VALUE})")
    int batch = EvaluationRequest.DEFAULT_BATCH;

    @Option(names = "--limit", paramLabel = "N", description = "only the first N images of the split")
    Integer limit;

    @Option(names = "--json", paramLabel = "FILE", description = "write the summary as JSON")
    Path json;

    @Option(names = "--pictures", paramLabel = "DIR", description = "write ground truth | prediction PNGs here")
    Path pictures;

    @Option(names = "--pictures-count", paramLabel = "N", description = "how many pictures (default: ${DEFAULT-VALUE})")
    int pictureCount = Pictures.DEFAULT_COUNT;

    @Option(names = "--pictures-score", paramLabel = "P",
            description = "lowest score drawn in the pictures (default: the model's counting threshold)")
    Double pictureScore;

    @Spec
    CommandSpec spec;

    private EvaluateModel() {
    }

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(new CommandLine(new EvaluateModel()).execute(args));
    }

    @Override
    public Integer call() throws IOException {
        try {
            Evaluation.run(request(), System.out);
        } catch (IllegalArgumentException e) {
            // an impossible setting or a folder that is no VOC dataset: say so, with the usage, not a stack trace
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        return 0;
    }

    /**
     * The evaluation a command line asks for.
     *
     * @throws CommandLine.ParameterException naming what is missing, unknown, malformed or impossible
     */
    public static EvaluationRequest parse(String... args) {
        EvaluateModel options = new EvaluateModel();
        CommandLine line = new CommandLine(options);
        line.parseArgs(args);
        try {
            return options.request();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(line, e.getMessage(), e);
        }
    }

    private EvaluationRequest request() {
        return new EvaluationRequest(model, dataset.voc, dataset.split, limit, dataset.threads, batch,
                new PostProcessing(scoreThreshold, maxDetections, nmsIouThreshold, testTimeFlips, boxVotingIou,
                        softNmsSigma),
                json, pictures == null ? null : new Pictures(pictures, pictureCount, pictureScore));
    }
}
