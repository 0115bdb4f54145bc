package org.bloodcells.eval;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.bloodcells.detection.CellDetector;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * CPU inference time per image at several batch sizes and numbers of test-time views, measured
 * side by side: the configurations take turns round after round over the same decoded images, so
 * drift in the machine's load falls on all of them alike. Prints per-round figures and the median
 * per configuration, relative to the first. Post-processing is the model's own (its metadata: what the
 * workers run), with only the number of views changed.
 *
 * <pre>
 * mvn -B -q -pl model-eval exec:java -Dexec.mainClass=org.bloodcells.eval.InferenceBenchmark \
 *   -Dexec.args="--model models/efficientdet-d0-bccd.onnx --threads 2 --batches 1,8 --views 1,2,4 --images 16 --rounds 5"
 * </pre>
 */
@Command(name = "InferenceBenchmark", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Milliseconds per image of the workers' detection core, configurations interleaved round by round.")
public final class InferenceBenchmark implements Callable<Integer> {

    @Option(names = "--model", defaultValue = "models/efficientdet-d0-bccd.onnx", paramLabel = "FILE.onnx",
            description = "the model (default: ${DEFAULT-VALUE})")
    Path model;

    @Mixin
    DatasetOptions dataset = new DatasetOptions();

    @Option(names = "--batches", defaultValue = "1,2,4,8", split = ",", paramLabel = "N,N",
            description = "batch sizes (default: ${DEFAULT-VALUE})")
    int[] batches;

    @Option(names = "--views", defaultValue = "1", split = ",", paramLabel = "N,N",
            description = "test-time views, each 1, 2 or 4 (default: ${DEFAULT-VALUE})")
    int[] views;

    @Option(names = "--images", defaultValue = "16", paramLabel = "N",
            description = "images of the split (default: ${DEFAULT-VALUE})")
    int count;

    @Option(names = "--rounds", defaultValue = "5", paramLabel = "N",
            description = "measured rounds after one warm-up (default: ${DEFAULT-VALUE})")
    int rounds;

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(new CommandLine(new InferenceBenchmark()).execute(args));
    }

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        try {
            return measure();
        } catch (IllegalArgumentException e) {
            // an impossible number of views or a folder that is no VOC dataset: say so, with the usage
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    private int measure() throws IOException {
        List<AnnotatedImage> split = VocDataset.open(dataset.voc).split(dataset.split);
        if (count < 1 || count > split.size()) {
            throw new IllegalArgumentException("--images must be within 1.." + split.size() + " (split '"
                    + dataset.split + "'), was " + count);
        }
        List<BufferedImage> images = new ArrayList<>();
        for (AnnotatedImage image : split.subList(0, count)) {
            images.add(image.decode());
        }
        List<CellDetector> detectors = new ArrayList<>();
        try {
            List<Config> configs = new ArrayList<>();
            for (int v : views) {
                CellDetector detector = CellDetector.load(model, dataset.threads, s -> s.withTestTimeFlips(v));
                detectors.add(detector);
                for (int batch : batches) {
                    configs.add(new Config(detector, batch));
                }
            }
            CellDetector first = detectors.get(0);
            System.out.printf(Locale.ROOT, "%s %s, %d images of the split, %d intra-op threads, %d cores, %d rounds; "
                    + "the model's post-processing: %s%n", first.model().name(), first.model().version(), count, dataset.threads,
                    Runtime.getRuntime().availableProcessors(), rounds, first.modelSettings().describe());
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
        return 0;
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
