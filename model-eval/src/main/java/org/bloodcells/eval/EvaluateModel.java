package org.bloodcells.eval;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import javax.imageio.ImageIO;

import org.bloodcells.detection.CellDetector;
import org.bloodcells.detection.DetectionResult;
import org.bloodcells.detection.DetectorSettings;
import org.bloodcells.detection.ModelInfo;
import org.bloodcells.images.ImageDecoder;
import org.bloodcells.images.ImageLimits;
import org.bloodcells.images.UnusableImageException;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Evaluates a model on a split of a PASCAL VOC dataset with the same Java inference the workers run, and reports
 * COCO metrics. The post-processing is the model's own (its metadata), except what COCO evaluation fixes: every
 * detection scoring above 0.001, at most 100 per image. Options change the rest for experiments.
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

    /** What {@code --json} writes. */
    public record Summary(String model, String version, String split, int images, int batchSize, int threads,
            double scoreThreshold, double nmsIouThreshold, int maxDetections, int testTimeFlips, double boxVotingIou,
            double softNmsSigma, double meanInferenceMillis, CocoMetrics metrics,
            Map<String, CountErrors.ClassCounts> counts) {
    }

    @Option(names = "--model", required = true, paramLabel = "FILE.onnx", description = "the model to evaluate")
    Path model;

    @Mixin
    DatasetOptions dataset = new DatasetOptions();

    @Option(names = "--score-threshold", defaultValue = "0.001", paramLabel = "P",
            description = "keep detections scoring above P (default: ${DEFAULT-VALUE}, as COCO evaluation does)")
    double scoreThreshold;

    @Option(names = "--max-detections", defaultValue = "100", paramLabel = "N",
            description = "detections per image (default: ${DEFAULT-VALUE}, COCO's maxDets)")
    int maxDetections;

    @Option(names = "--iou-threshold", paramLabel = "T", description = "greedy NMS IoU (default: the model's)")
    Double nmsIouThreshold;

    @Option(names = "--flips", paramLabel = "N", description = "test-time views: 1, 2 or 4 (default: the model's)")
    Integer testTimeFlips;

    @Option(names = "--vote-iou", paramLabel = "T", description = "box voting IoU, 0 = off (default: the model's)")
    Double boxVotingIou;

    @Option(names = "--soft-nms", paramLabel = "SIGMA",
            description = "Gaussian soft-NMS sigma, 0 = greedy NMS (default: the model's)")
    Double softNmsSigma;

    @Option(names = "--batch", defaultValue = "1", paramLabel = "N",
            description = "images per model run (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--limit", paramLabel = "N", description = "only the first N images of the split")
    Integer limit;

    @Option(names = "--json", paramLabel = "FILE", description = "write the summary as JSON")
    Path json;

    @Option(names = "--pictures", paramLabel = "DIR", description = "write ground truth | prediction PNGs here")
    Path pictures;

    @Option(names = "--pictures-count", defaultValue = "6", paramLabel = "N",
            description = "how many pictures (default: ${DEFAULT-VALUE})")
    int pictureCount;

    @Option(names = "--pictures-score", paramLabel = "P",
            description = "lowest score drawn in the pictures (default: the model's counting threshold)")
    Double pictureScore;

    private EvaluateModel() {
    }

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(new CommandLine(new EvaluateModel()).execute(args));
    }

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        try {
            run(this, System.out);
        } catch (IllegalArgumentException e) {
            // an impossible setting or a folder that is no VOC dataset: say so, with the usage, not a stack trace
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        return 0;
    }

    /**
     * The options of a command line.
     *
     * @throws CommandLine.ParameterException naming what is missing, unknown or malformed
     */
    public static EvaluateModel parse(String... args) {
        EvaluateModel options = new EvaluateModel();
        new CommandLine(options).parseArgs(args);
        return options;
    }

    /** The model's own settings, changed by the options that were given and by COCO's protocol. */
    DetectorSettings settings(DetectorSettings model) {
        DetectorSettings s = model.withScoreThreshold(scoreThreshold).withMaxDetections(maxDetections);
        s = nmsIouThreshold == null ? s : s.withNmsIouThreshold(nmsIouThreshold);
        s = testTimeFlips == null ? s : s.withTestTimeFlips(testTimeFlips);
        s = boxVotingIou == null ? s : s.withBoxVotingIou(boxVotingIou);
        return softNmsSigma == null ? s : s.withSoftNmsSigma(softNmsSigma);
    }

    /** Evaluates, prints progress and the table to {@code out}, writes what the options ask for. */
    public static Summary run(EvaluateModel options, PrintStream out) throws IOException {
        VocDataset dataset = VocDataset.open(options.dataset.voc);
        List<AnnotatedImage> images = dataset.split(options.dataset.split);
        if (options.limit != null) {
            images = images.subList(0, Math.min(images.size(), options.limit));
        }
        Path pictures = options.pictures;
        if (pictures != null) {
            Files.createDirectories(pictures);
        }
        int batch = options.batch;
        try (CellDetector detector = CellDetector.load(options.model, options.dataset.threads, options::settings)) {
            ModelInfo model = detector.model();
            DetectorSettings settings = detector.settings();
            double pictureScore = options.pictureScore != null ? options.pictureScore
                    : detector.modelSettings().scoreThreshold();
            out.printf(Locale.ROOT, "Model %s %s (%s), %s split '%s': %d images, batch %d, %d threads; %s%n",
                    model.name(), model.version(), options.model, dataset.directory(), options.dataset.split, images.size(),
                    batch, options.dataset.threads, settings.describe());
            CocoEvaluator evaluator = new CocoEvaluator(model.classes());
            CountErrors counts = new CountErrors(model.classes());
            long modelNanos = 0;
            int timedImages = 0;
            for (int start = 0; start < images.size(); start += batch) {
                List<AnnotatedImage> chunk = images.subList(start, Math.min(images.size(), start + batch));
                List<BufferedImage> decoded = new ArrayList<>();
                for (AnnotatedImage image : chunk) {
                    decoded.add(decode(image));
                }
                long began = System.nanoTime();
                List<DetectionResult> results = batch == 1 ? List.of(detector.detect(decoded.get(0)))
                        : detector.detectBatch(decoded);
                long nanos = System.nanoTime() - began;
                if (start > 0) {
                    // The first run also pays ONNX Runtime's lazy initialisation; leave it out of the mean.
                    modelNanos += nanos;
                    timedImages += chunk.size();
                }
                for (int i = 0; i < chunk.size(); i++) {
                    AnnotatedImage image = chunk.get(i);
                    DetectionResult result = results.get(i);
                    evaluator.add(image.boxes(), result.detections());
                    counts.add(CountErrors.truthCounts(image.boxes()), detector.countsAsReleased(result.detections()));
                    int index = start + i;
                    out.printf(Locale.ROOT, "[%d/%d] %s: %d ground truth, %d detections, %.0f ms%n", index + 1,
                            images.size(), image.id(), image.boxes().size(), result.detections().size(),
                            nanos / 1e6 / chunk.size());
                    if (pictures != null && index < options.pictureCount) {
                        ImageIO.write(ComparisonPicture.render(decoded.get(i), image.boxes(), result.detections(),
                                model.classes(), pictureScore), "png", pictures.resolve(image.id() + ".png").toFile());
                    }
                }
            }
            CocoMetrics metrics = evaluator.evaluate();
            double meanMillis = timedImages == 0 ? Double.NaN : modelNanos / 1e6 / timedImages;
            out.print(table(metrics));
            out.print(countTable(counts.perClass()));
            out.printf(Locale.ROOT, "Mean inference %.1f ms per image (batch %d, %d intra-op threads, "
                    + "decode excluded, first run excluded)%n", meanMillis, batch, options.dataset.threads);
            Summary summary = new Summary(model.name(), model.version(), options.dataset.split, images.size(), batch,
                    options.dataset.threads, settings.scoreThreshold(), settings.nmsIouThreshold(), settings.maxDetections(),
                    settings.testTimeFlips(), settings.boxVotingIou(), settings.softNmsSigma(), meanMillis, metrics,
                    counts.perClass());
            if (options.json != null) {
                new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(options.json.toFile(), summary);
                out.println("Summary written to " + options.json);
            }
            if (pictures != null) {
                out.println("Pictures written to " + pictures);
            }
            return summary;
        }
    }

    static BufferedImage decode(AnnotatedImage image) throws IOException {
        try {
            return ImageDecoder.decode(Files.readAllBytes(image.file()), ImageLimits.PLATFORM);
        } catch (UnusableImageException e) {
            throw new IOException(image.file() + ": " + e.getMessage(), e);
        }
    }

    /** The metrics as a text table: one row per class, then the overall rows. */
    static String table(CocoMetrics m) {
        StringBuilder t = new StringBuilder();
        t.append(String.format(Locale.ROOT, "%-12s %8s %8s %12s %8s %6s%n", "class", "AP@0.5", "AP@0.75",
                "AP@[.5:.95]", "AR@100", "GT"));
        m.perClass().forEach((name, c) -> t.append(String.format(Locale.ROOT, "%-12s %8s %8s %12s %8s %6d%n",
                name, f(c.ap50()), f(c.ap75()), f(c.ap()), f(c.ar100()), c.groundTruth())));
        int gt = m.perClass().values().stream().mapToInt(CocoMetrics.ClassMetrics::groundTruth).sum();
        t.append(String.format(Locale.ROOT, "%-12s %8s %8s %12s %8s %6d%n", "mean", f(m.ap50()), f(m.ap75()),
                f(m.ap()), f(m.ar100()), gt));
        t.append(String.format(Locale.ROOT, "AP@[.5:.95] small %s  medium %s  large %s   (%d images)%n",
                f(m.apSmall()), f(m.apMedium()), f(m.apLarge()), m.images()));
        return t.toString();
    }

    /** Counts as the workers count them (the model's count thresholds) against the labels, per class. */
    static String countTable(Map<String, CountErrors.ClassCounts> counts) {
        StringBuilder t = new StringBuilder(String.format(Locale.ROOT, "%-12s %12s %8s %8s %8s%n", "counts", "exact",
                "MAE", "found", "true"));
        counts.forEach((name, c) -> t.append(String.format(Locale.ROOT, "%-12s %12s %8.3f %8d %8d%n", name,
                c.exact() + "/" + c.images(), c.meanAbsoluteError(), c.found(), c.truth())));
        return t.toString();
    }

    private static String f(double value) {
        return value < 0 ? "-" : String.format(Locale.ROOT, "%.4f", value);
    }
}
