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

import javax.imageio.ImageIO;

import org.bloodcells.detection.CellDetector;
import org.bloodcells.detection.DetectionResult;
import org.bloodcells.detection.DetectorSettings;
import org.bloodcells.detection.ModelInfo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * Evaluates a model on a split of a PASCAL VOC dataset with the same Java inference the workers run, and reports
 * COCO metrics and the workers' count errors. The command line ({@link EvaluateModel}) and the trainer's held-back
 * evaluation both run this.
 */
public final class Evaluation {

    /** What an evaluation measured, with the settings it ran with; the JSON summary. */
    public record Summary(String model, String version, String split, int images, int batchSize, int threads,
            double scoreThreshold, double nmsIouThreshold, int maxDetections, int testTimeFlips, double boxVotingIou,
            double softNmsSigma, double meanInferenceMillis, CocoMetrics metrics,
            Map<String, CountErrors.ClassCounts> counts, int flagged) {
    }

    private Evaluation() {
    }

    /**
     * Evaluates, prints progress and the tables to {@code out}, writes the files the request asks for.
     *
     * @throws IllegalArgumentException for an impossible setting or a folder that is no VOC dataset
     */
    public static Summary run(EvaluationRequest request, PrintStream out) throws IOException {
        VocDataset dataset = VocDataset.open(request.dataset());
        List<AnnotatedImage> images = dataset.split(request.split());
        if (request.limit() != null) {
            images = images.subList(0, Math.min(images.size(), request.limit()));
        }
        EvaluationRequest.Pictures pictures = request.pictures();
        if (pictures != null) {
            Files.createDirectories(pictures.directory());
        }
        int batch = request.batch();
        int threads = request.threads();
        try (CellDetector detector = CellDetector.load(request.model(), threads, request.postProcessing()::applyTo)) {
            ModelInfo model = detector.model();
            DetectorSettings settings = detector.settings();
            double pictureScore = pictures != null && pictures.minScore() != null ? pictures.minScore()
                    : detector.modelSettings().scoreThreshold();
            out.printf(Locale.ROOT, "Model %s %s (%s), %s split '%s': %d images, batch %d, %d threads; %s%n",
                    model.name(), model.version(), request.model(), dataset.directory(), request.split(), images.size(),
                    batch, threads, settings.describe());
            CocoEvaluator evaluator = new CocoEvaluator(model.classes());
            CountErrors counts = new CountErrors(model.classes());
            long modelNanos = 0;
            int timedImages = 0;
            int flagged = 0;
            for (int start = 0; start < images.size(); start += batch) {
                List<AnnotatedImage> chunk = images.subList(start, Math.min(images.size(), start + batch));
                List<BufferedImage> decoded = new ArrayList<>();
                for (AnnotatedImage image : chunk) {
                    decoded.add(image.decode());
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
                    flagged += result.flagged() ? 1 : 0;
                    counts.add(CountErrors.truthCounts(image.boxes()), detector.countsAsReleased(result.detections()));
                    int index = start + i;
                    out.printf(Locale.ROOT, "[%d/%d] %s: %d ground truth, %d detections, %.0f ms%n", index + 1,
                            images.size(), image.id(), image.boxes().size(), result.detections().size(),
                            nanos / 1e6 / chunk.size());
                    if (pictures != null && index < pictures.count()) {
                        Path file = pictures.directory().resolve(image.id() + ".png");
                        ImageIO.write(ComparisonPicture.render(decoded.get(i), image.boxes(), result.detections(),
                                model.classes(), pictureScore), "png", file.toFile());
                    }
                }
            }
            CocoMetrics metrics = evaluator.evaluate();
            double meanMillis = timedImages == 0 ? Double.NaN : modelNanos / 1e6 / timedImages;
            out.print(table(metrics));
            out.print(countTable(counts.perClass()));
            out.printf(Locale.ROOT, "Flagged out of distribution: %d of %d images%n", flagged, images.size());
            out.printf(Locale.ROOT, "Mean inference %.1f ms per image (batch %d, %d intra-op threads, "
                    + "decode excluded, first run excluded)%n", meanMillis, batch, threads);
            Summary summary = new Summary(model.name(), model.version(), request.split(), images.size(), batch, threads,
                    settings.scoreThreshold(), settings.nmsIouThreshold(), settings.maxDetections(),
                    settings.testTimeFlips(), settings.boxVotingIou(), settings.softNmsSigma(), meanMillis, metrics,
                    counts.perClass(), flagged);
            if (request.json() != null) {
                new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(request.json().toFile(),
                        summary);
                out.println("Summary written to " + request.json());
            }
            if (pictures != null) {
                out.println("Pictures written to " + pictures.directory());
            }
            return summary;
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
