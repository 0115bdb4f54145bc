package org.bloodcells.detection.eval;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.imageio.ImageIO;

import org.bloodcells.detection.CellDetector;
import org.bloodcells.detection.DetectionResult;
import org.bloodcells.detection.DetectorSettings;
import org.bloodcells.detection.ImageDecoder;
import org.bloodcells.detection.ModelInfo;
import org.bloodcells.detection.UndecodableImageException;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * Evaluates a model on a split of a PASCAL VOC dataset with the same Java inference the workers run, and reports
 * COCO metrics.
 *
 * <pre>
 * mvn -pl detection-core compile exec:java -Dexec.mainClass=org.bloodcells.detection.eval.EvaluateModel \
 *   -Dexec.args="--model models/efficientdet-d0-bccd.onnx --voc ../shared/datasets/bccd --split test"
 * </pre>
 */
public final class EvaluateModel {

    static final String USAGE = """
            Usage: EvaluateModel --model FILE.onnx --voc DIR [options]
              --split NAME            VOC split to evaluate (default test)
              --score-threshold P     keep detections scoring above P (default 0.001, as COCO evaluation does)
              --iou-threshold T       NMS IoU threshold (default 0.5)
              --max-detections N      detections per image (default 100, COCO's maxDets)
              --flips N               test-time views: 1, 2 or 4 (default 1)
              --vote-iou T            box voting IoU, 0 = off (default 0)
              --soft-nms SIGMA        Gaussian soft-NMS instead of greedy NMS, 0 = off (default 0)
              --threads N             ONNX Runtime intra-op threads (default 2)
              --batch N               images per model run (default 1)
              --limit N               only the first N images of the split
              --json FILE             write the summary as JSON
              --pictures DIR          write ground truth | prediction PNGs here
              --pictures-count N      how many pictures (default 6)
              --pictures-score P      lowest score drawn in the pictures (default 0.3)
            """;

    /** What {@code --json} writes. */
    public record Summary(String model, String version, String split, int images, int batchSize, int threads,
            double scoreThreshold, double nmsIouThreshold, int maxDetections, int testTimeFlips, double boxVotingIou,
            double softNmsSigma, double meanInferenceMillis, CocoMetrics metrics) {
    }

    private EvaluateModel() {
    }

    public static void main(String[] args) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Map<String, String> options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
            return;
        }
        run(options, System.out);
    }

    /** Options from {@code --name value} pairs; the usage text lists them. */
    public static Map<String, String> parse(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("Unexpected argument '" + args[i] + "'");
            }
            options.put(args[i].substring(2), args[++i]);
        }
        for (String required : List.of("model", "voc")) {
            if (!options.containsKey(required)) {
                throw new IllegalArgumentException("--" + required + " is required");
            }
        }
        List<String> known = List.of("model", "voc", "split", "score-threshold", "iou-threshold", "max-detections",
                "flips", "vote-iou", "soft-nms", "threads", "batch", "limit", "json", "pictures", "pictures-count", "pictures-score");
        for (String key : options.keySet()) {
            if (!known.contains(key)) {
                throw new IllegalArgumentException("Unknown option --" + key);
            }
        }
        return options;
    }

    /** Evaluates, prints progress and the table to {@code out}, writes what the options ask for. */
    public static Summary run(Map<String, String> options, PrintStream out) throws IOException {
        String split = options.getOrDefault("split", "test");
        int batch = Integer.parseInt(options.getOrDefault("batch", "1"));
        DetectorSettings settings = new DetectorSettings(
                Double.parseDouble(options.getOrDefault("score-threshold", "0.001")),
                Double.parseDouble(options.getOrDefault("iou-threshold", "0.5")),
                Integer.parseInt(options.getOrDefault("max-detections", "100")),
                Integer.parseInt(options.getOrDefault("threads", "2")),
                Integer.parseInt(options.getOrDefault("flips", "1")),
                Double.parseDouble(options.getOrDefault("vote-iou", "0")),
                Double.parseDouble(options.getOrDefault("soft-nms", "0")));
        VocDataset dataset = VocDataset.open(Path.of(options.get("voc")));
        List<AnnotatedImage> images = dataset.split(split);
        if (options.containsKey("limit")) {
            images = images.subList(0, Math.min(images.size(), Integer.parseInt(options.get("limit"))));
        }
        Path pictures = options.containsKey("pictures") ? Path.of(options.get("pictures")) : null;
        int pictureCount = Integer.parseInt(options.getOrDefault("pictures-count", "6"));
        double pictureScore = Double.parseDouble(options.getOrDefault("pictures-score", "0.3"));
        if (pictures != null) {
            Files.createDirectories(pictures);
        }

        try (CellDetector detector = CellDetector.load(Path.of(options.get("model")), settings)) {
            ModelInfo model = detector.model();
            out.printf(Locale.ROOT, "Model %s %s (%s), %s split '%s': %d images, batch %d, %d threads, "
                    + "%d test-time views, box voting IoU %s, %s%n", model.name(), model.version(),
                    options.get("model"), dataset.directory(), split, images.size(), batch, settings.intraOpThreads(),
                    settings.testTimeFlips(), settings.boxVotingIou() > 0 ? settings.boxVotingIou() : "off",
                    settings.softNmsSigma() > 0 ? "soft-NMS sigma " + settings.softNmsSigma()
                            : "greedy NMS IoU " + settings.nmsIouThreshold());
            CocoEvaluator evaluator = new CocoEvaluator(model.classes());
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
                    int index = start + i;
                    out.printf(Locale.ROOT, "[%d/%d] %s: %d ground truth, %d detections, %.0f ms%n", index + 1,
                            images.size(), image.id(), image.boxes().size(), result.detections().size(),
                            nanos / 1e6 / chunk.size());
                    if (pictures != null && index < pictureCount) {
                        ImageIO.write(ComparisonPicture.render(decoded.get(i), image.boxes(), result.detections(),
                                model.classes(), pictureScore), "png", pictures.resolve(image.id() + ".png").toFile());
                    }
                }
            }
            CocoMetrics metrics = evaluator.evaluate();
            double meanMillis = timedImages == 0 ? Double.NaN : modelNanos / 1e6 / timedImages;
            out.print(table(metrics));
            out.printf(Locale.ROOT, "Mean inference %.1f ms per image (batch %d, %d intra-op threads, "
                    + "decode excluded, first run excluded)%n", meanMillis, batch, settings.intraOpThreads());
            Summary summary = new Summary(model.name(), model.version(), split, images.size(), batch,
                    settings.intraOpThreads(), settings.scoreThreshold(), settings.nmsIouThreshold(),
                    settings.maxDetections(), settings.testTimeFlips(), settings.boxVotingIou(), settings.softNmsSigma(), meanMillis,
                    metrics);
            if (options.containsKey("json")) {
                Path json = Path.of(options.get("json"));
                new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), summary);
                out.println("Summary written to " + json);
            }
            if (pictures != null) {
                out.println("Pictures written to " + pictures);
            }
            return summary;
        }
    }

    private static BufferedImage decode(AnnotatedImage image) throws IOException {
        try {
            return ImageDecoder.decode(Files.readAllBytes(image.file()));
        } catch (UndecodableImageException e) {
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

    private static String f(double value) {
        return value < 0 ? "-" : String.format(Locale.ROOT, "%.4f", value);
    }
}
