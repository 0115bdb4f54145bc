package org.bloodcells.detection.eval;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.bloodcells.detection.CellDetector;
import org.bloodcells.detection.DetectorSettings;
import org.bloodcells.detection.ImageDecoder;
import org.bloodcells.detection.UndecodableImageException;

/**
 * CPU inference time per image at several batch sizes and numbers of test-time views, measured
 * side by side: the configurations take turns round after round over the same decoded images, so
 * drift in the machine's load falls on all of them alike. Prints per-round figures and the median
 * per configuration, relative to the first. Post-processing is the workers': box voting (0.8) with several
 * views and soft-NMS (sigma 0.5), both changeable with --vote-iou and --soft-nms.
 *
 * <pre>
 * mvn -pl detection-core compile exec:java -Dexec.mainClass=org.bloodcells.detection.eval.InferenceBenchmark \
 *   -Dexec.args="--model models/efficientdet-d0-bccd.onnx --voc ../shared/datasets/bccd --threads 2 --batches 1,8 --views 1,2,4 --images 16 --rounds 5"
 * </pre>
 */
public final class InferenceBenchmark {

    private InferenceBenchmark() {
    }

    public static void main(String[] args) throws IOException, UndecodableImageException {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            o.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        Path model = Path.of(o.getOrDefault("model", "models/efficientdet-d0-bccd.onnx"));
        int threads = Integer.parseInt(o.getOrDefault("threads", "2"));
        int[] batches = Arrays.stream(o.getOrDefault("batches", "1,2,4,8").split(",")).mapToInt(Integer::parseInt).toArray();
        int[] views = Arrays.stream(o.getOrDefault("views", "1").split(",")).mapToInt(Integer::parseInt).toArray();
        double votingIou = Double.parseDouble(o.getOrDefault("vote-iou", "0.8"));
        double softNmsSigma = Double.parseDouble(o.getOrDefault("soft-nms", "0.5"));
        int count = Integer.parseInt(o.getOrDefault("images", "16"));
        int rounds = Integer.parseInt(o.getOrDefault("rounds", "5"));

        List<BufferedImage> images = new ArrayList<>();
        for (AnnotatedImage image : VocDataset.open(Path.of(o.getOrDefault("voc", "../shared/datasets/bccd")))
                .split(o.getOrDefault("split", "test")).subList(0, count)) {
            images.add(ImageDecoder.decode(Files.readAllBytes(image.file())));
        }
        List<CellDetector> detectors = new ArrayList<>();
        try {
            List<Config> configs = new ArrayList<>();
            for (int v : views) {
                DetectorSettings settings = DetectorSettings.defaults().withIntraOpThreads(threads)
                        .withTestTimeAugmentation(v, v > 1 ? votingIou : 0).withSoftNms(softNmsSigma);
                CellDetector detector = CellDetector.load(model, settings);
                detectors.add(detector);
                for (int batch : batches) {
                    configs.add(new Config(detector, batch));
                }
            }
            CellDetector first = detectors.get(0);
            System.out.printf(Locale.ROOT, "%s %s, %d images of the split, %d intra-op threads, %d cores, %d rounds, "
                    + "box voting IoU %.2f with several views, soft-NMS sigma %.2f%n", first.model().name(),
                    first.model().version(), count, threads, Runtime.getRuntime().availableProcessors(), rounds,
                    votingIou, softNmsSigma);
            for (Config config : configs) {
                runOnce(config.detector(), images, config.batch()); // warm-up: ORT allocates per shape on first use
            }
            double[][] msPerImage = new double[configs.size()][rounds];
            for (int r = 0; r < rounds; r++) {
                StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "round %d:", r + 1));
                for (int c = 0; c < configs.size(); c++) {
                    Config config = configs.get(c);
                    msPerImage[c][r] = runOnce(config.detector(), images, config.batch());
                    line.append(String.format(Locale.ROOT, "  %s %.1f ms/image", config.label(), msPerImage[c][r]));
                }
                System.out.println(line);
            }
            double base = median(msPerImage[0]);
            for (int c = 0; c < configs.size(); c++) {
                double m = median(msPerImage[c]);
                System.out.printf(Locale.ROOT, "%s: median %.1f ms/image (%.1f images/s), %.2fx %s's time%n",
                        configs.get(c).label(), m, 1000 / m, m / base, configs.get(0).label());
            }
        } finally {
            detectors.forEach(CellDetector::close);
        }
    }

    /** One measured configuration: a detector (its number of views) and a batch size. */
    private record Config(CellDetector detector, int batch) {

        String label() {
            int views = detector.settings().testTimeFlips();
            return String.format(Locale.ROOT, "%d view%s batch %d", views, views > 1 ? "s" : "", batch);
        }
    }

    /** Milliseconds per image for one pass over the images in batches of {@code batch}, pre- and post-processing included. */
    private static double runOnce(CellDetector detector, List<BufferedImage> images, int batch) {
        long began = System.nanoTime();
        for (int start = 0; start < images.size(); start += batch) {
            List<BufferedImage> chunk = images.subList(start, Math.min(images.size(), start + batch));
            if (batch == 1) {
                detector.detect(chunk.get(0));
            } else {
                detector.detectBatch(chunk);
            }
        }
        return (System.nanoTime() - began) / 1e6 / images.size();
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }
}
