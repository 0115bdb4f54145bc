package org.bloodcells.eval;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

import org.bloodcells.detection.CellDetector;
import org.bloodcells.detection.Detection;
import org.bloodcells.detection.ModelDomain;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What a model should know about the images it was trained on, measured with the workers' own detection core and
 * written as the model's optional metadata ({@code models/CONTRACT.md}), for
 * {@code python3 -m efficientdet.export --domain FILE.json}:
 * <ul>
 * <li>its physical scale: the training images' microns per pixel from their labelled red cells
 * ({@link LabelledScale}), on the model's input as the workers fit those images to it;
 * <li>per class, the score from which a cell is counted, chosen on {@code --fit-split} to minimise the mean absolute
 * count error (not AP);
 * <li>the training images' colour (mean and spread of each image's mean R, G, B) and the largest share of unsure
 * detections any of them had, for the out-of-distribution flag;
 * <li>with {@code --also-stats}, the colour of each further source the model was trained on (a site's corrections
 * after a site fine-tune), so that the site's images are no longer called unlike the model's for their colour.
 * </ul>
 *
 * <pre>
 * mvn -B -q -pl model-eval exec:java -Dexec.mainClass=org.bloodcells.eval.CalibrateModel \
 *   -Dexec.args="--model runs/new.onnx --out runs/new.domain.json"
 * </pre>
 */
@Command(name = "CalibrateModel", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Measures a model's physical scale, count thresholds and training statistics on BCCD and writes "
                + "them as metadata for the exporter (--domain); --also-stats adds a fine-tuned site's colour.")
public final class CalibrateModel implements Callable<Integer> {

    /** The count thresholds tried, from the model's own score threshold up. */
    static final double STEP = 0.025;
    static final double HIGHEST = 0.9;

    @Option(names = "--model", required = true, paramLabel = "FILE.onnx")
    Path model;

    @Option(names = "--voc", defaultValue = "datasets/bccd", paramLabel = "DIR")
    Path voc;

    @Option(names = "--fit-voc", paramLabel = "DIR", description = "where the count thresholds are chosen, when not "
            + "--voc: a site's corrections, whose counts a site fine-tune is calibrated to")
    Path fitVoc;

    @Option(names = "--fit-split", defaultValue = "val",
            description = "where the count thresholds are chosen (default: ${DEFAULT-VALUE}); never test")
    String fitSplit;

    @Option(names = "--stats-splits", defaultValue = "train,val", split = ",",
            description = "the training images, for scale, colour and confidence (default: ${DEFAULT-VALUE})")
    List<String> statsSplits;

    @Option(names = "--also-stats", split = ",", paramLabel = "NAME=DIR",
            description = "further PASCAL VOC data sets the model was trained on (a site's corrections), each a colour "
                    + "source named NAME ('colour_domains'), measured on the same splits as --stats-splits")
    Map<String, Path> alsoStats = new LinkedHashMap<>();

    @Option(names = "--count-classes", split = ",", paramLabel = "CLASS",
            description = "the classes whose count threshold is fitted (default: all); the others keep the "
                    + "model's own count threshold, or count from the score threshold where it has none. BCCD's labels miss many red cells (datasets/bccd/README.md), so fitting RBC "
                    + "to them would teach the workers to under-count")
    List<String> countClasses;

    @Option(names = "--threads", defaultValue = "2", paramLabel = "N")
    int threads;

    @Option(names = "--limit", paramLabel = "N", description = "only the first N images of each split (smoke runs)")
    Integer limit;

    @Option(names = "--out", required = true, paramLabel = "FILE.json", description = "the metadata to write")
    Path out;

    private CalibrateModel() {
    }

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(new CommandLine(new CalibrateModel()).execute(args));
    }

    public static CalibrateModel parse(String... args) {
        CalibrateModel options = new CalibrateModel();
        new CommandLine(options).parseArgs(args);
        return options;
    }

    @Override
    public Integer call() throws IOException {
        run(System.out);
        return 0;
    }

    public Map<String, String> run(PrintStream log) throws IOException {
        if ("test".equals(fitSplit) || statsSplits.contains("test")) {
            throw new IllegalArgumentException("test is for reporting only: calibrate on val and train");
        }
        VocDataset dataset = VocDataset.open(voc);
        List<AnnotatedImage> stats = new ArrayList<>();
        statsSplits.forEach(s -> stats.addAll(limited(dataset.split(s))));
        List<AnnotatedImage> fit = limited((fitVoc == null ? dataset : VocDataset.open(fitVoc)).split(fitSplit));
        Map<String, String> metadata = new LinkedHashMap<>();
        try (CellDetector detector = CellDetector.load(model, threads)) {
            int inputSize = detector.model().inputSize();
            double mpp = LabelledScale.micronsPerPixel(stats);
            int longSide = stats.stream().mapToInt(i -> Math.max(i.width(), i.height())).max().orElseThrow();
            double inputMpp = mpp * longSide / inputSize;
            log.printf(Locale.ROOT, "Scale: median whole labelled %s %.1f px over %d images = %.4f µm per pixel at "
                    + "%.1f µm; fitted %d px to %d: %.4f µm per input pixel%n", LabelledScale.REFERENCE_CLASS,
                    LabelledScale.medianDiameter(stats), stats.size(), mpp, LabelledScale.RBC_MICRONS, longSide,
                    inputSize, inputMpp);
            metadata.put("input_microns_per_pixel", String.format(Locale.ROOT, "%.5f", inputMpp));
            metadata.put("scale_reference", LabelledScale.REFERENCE_CLASS + ":" + LabelledScale.RBC_MICRONS);

            double floor = detector.modelSettings().scoreThreshold();
            List<String> classes = detector.model().classes();
            List<Map<String, Integer>> truth = new ArrayList<>();
            List<List<Detection>> found = new ArrayList<>();
            // val is among the statistics' images too: each image is decoded and detected once
            Map<String, Seen> seen = new HashMap<>();
            for (AnnotatedImage image : fit) {
                truth.add(CountErrors.truthCounts(image.boxes()));
                found.add(seen(detector, image, seen).detections());
            }
            List<String> thresholds = new ArrayList<>();
            log.printf(Locale.ROOT, "Count thresholds on %s (%d images), mean absolute error:%n", fitSplit, fit.size());
            for (String c : classes) {
                if (countClasses != null && !countClasses.contains(c)) {
                    double own = detector.countThresholds().getOrDefault(c, floor);
                    log.printf(Locale.ROOT, "  %-10s not fitted: counted from %.3f (MAE %.3f)%n", c, own,
                            countError(c, own, truth, found));
                    if (own > floor) {
                        thresholds.add(String.format(Locale.ROOT, "%s:%.3f", c, own));
                    }
                    continue;
                }
                double best = bestThreshold(c, floor, truth, found);
                double bestError = countError(c, best, truth, found);
                log.printf(Locale.ROOT, "  %-10s at %.3f: %.3f  ->  at %.3f: %.3f%n", c, floor, countError(c, floor,
                        truth, found), best, bestError);
                thresholds.add(String.format(Locale.ROOT, "%s:%.3f", c, best));
            }
            metadata.put("count_thresholds", String.join(",", thresholds));

            double[][] means = new double[stats.size()][];
            double worstShare = 0;
            for (int i = 0; i < stats.size(); i++) {
                Seen image = seen(detector, stats.get(i), seen);
                means[i] = new double[] {image.colour()[0], image.colour()[1], image.colour()[2]};
                double share = ModelDomain.uncertainShare(image.detections(), floor);
                if (!Double.isNaN(share)) {
                    worstShare = Math.max(worstShare, share);
                }
                if ((i + 1) % 50 == 0) {
                    log.printf(Locale.ROOT, "  statistics: %d/%d images%n", i + 1, stats.size());
                }
            }
            ModelDomain.ColourDomain training = colour(ModelDomain.TRAINING, means);
            metadata.put("colour_mean", String.format(Locale.ROOT, "%.2f,%.2f,%.2f", training.mean()[0],
                    training.mean()[1], training.mean()[2]));
            metadata.put("colour_std", String.format(Locale.ROOT, "%.2f,%.2f,%.2f", training.std()[0],
                    training.std()[1], training.std()[2]));
            List<String> sources = new ArrayList<>();
            for (Map.Entry<String, Path> source : alsoStats.entrySet()) {
                VocDataset site = VocDataset.open(source.getValue());
                List<double[]> siteMeans = new ArrayList<>();
                for (String split : statsSplits) {
                    for (AnnotatedImage image : limited(site.split(split))) {
                        Seen s = seen(detector, image, new HashMap<>());
                        siteMeans.add(new double[] {s.colour()[0], s.colour()[1], s.colour()[2]});
                        double share = ModelDomain.uncertainShare(s.detections(), floor);
                        if (!Double.isNaN(share)) {
                            worstShare = Math.max(worstShare, share);
                        }
                    }
                }
                ModelDomain.ColourDomain domain = colour(source.getKey(), siteMeans.toArray(double[][]::new));
                log.printf(Locale.ROOT, "Colour of %s (%d images): %s%n", source.getKey(), siteMeans.size(),
                        domain.metadata());
                sources.add(domain.metadata());
            }
            if (!sources.isEmpty()) {
                metadata.put("colour_domains", String.join(";", sources));
            }
            metadata.put("uncertain_share_limit", String.format(Locale.ROOT, "%.3f", worstShare));
        }
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), metadata);
        log.println(metadata.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("\n")));
        log.println("Written to " + out);
        return metadata;
    }

    private List<AnnotatedImage> limited(List<AnnotatedImage> images) {
        return limit == null ? images : images.subList(0, Math.min(limit, images.size()));
    }

    /**
     * Per class named, the score from which counting its detections on {@code images} gives the least mean absolute
     * count error per image, as {@link #run} fits them: the trainer recalibrates a site fine-tune on the site's val
     * split with this. The detector runs at the model's own settings.
     */
    public static Map<String, Double> fitCountThresholds(CellDetector detector, List<AnnotatedImage> images,
            List<String> classes, PrintStream log) throws IOException {
        double floor = detector.modelSettings().scoreThreshold();
        List<Map<String, Integer>> truth = new ArrayList<>();
        List<List<Detection>> found = new ArrayList<>();
        for (AnnotatedImage image : images) {
            truth.add(CountErrors.truthCounts(image.boxes()));
            found.add(detector.detect(image.decode()).detections());
        }
        Map<String, Double> thresholds = new LinkedHashMap<>();
        for (String c : classes) {
            double best = bestThreshold(c, floor, truth, found);
            log.printf(Locale.ROOT, "  %-10s at %.3f: %.3f  ->  at %.3f: %.3f (%d images)%n", c, floor,
                    countError(c, floor, truth, found), best, countError(c, best, truth, found), images.size());
            thresholds.put(c, best);
        }
        return thresholds;
    }

    /** The lowest score from {@code floor} up, in {@link #STEP}s, with the least count error of the class. */
    private static double bestThreshold(String c, double floor, List<Map<String, Integer>> truth,
            List<List<Detection>> found) {
        double best = floor;
        double bestError = countError(c, floor, truth, found);
        for (double t = floor + STEP; t <= HIGHEST + 1e-9; t += STEP) {
            double error = countError(c, t, truth, found);
            if (error < bestError - 1e-9) {
                best = t;
                bestError = error;
            }
        }
        return best;
    }

    /**
     * The colour of a site's images, as a source named {@code name} of the model's domain ({@code colour_domains}):
     * after a site fine-tune its images are the model's own, not colours it never saw.
     */
    public static ModelDomain.ColourDomain colourOf(String name, List<AnnotatedImage> images) throws IOException {
        double[][] means = new double[images.size()][];
        for (int i = 0; i < images.size(); i++) {
            float[] colour = ModelDomain.meanColour(images.get(i).decode());
            means[i] = new double[] {colour[0], colour[1], colour[2]};
        }
        return colour(name, means);
    }

    /** The mean and spread of images' mean colours, at least one grey level apart. */
    static ModelDomain.ColourDomain colour(String source, double[][] means) {
        if (means.length == 0) {
            throw new IllegalArgumentException(source + " has no images for its colour statistics");
        }
        float[] mean = new float[3];
        float[] sd = new float[3];
        for (int c = 0; c < 3; c++) {
            double m = 0;
            for (double[] image : means) {
                m += image[c] / means.length;
            }
            double v = 0;
            for (double[] image : means) {
                v += (image[c] - m) * (image[c] - m) / Math.max(1, means.length - 1);
            }
            mean[c] = (float) m;
            // at least one grey level: a spread of 0 (one image) would flag every other image
            sd[c] = (float) Math.max(1, Math.sqrt(v));
        }
        return new ModelDomain.ColourDomain(source, mean, sd);
    }

    static double countError(String cls, double threshold, List<Map<String, Integer>> truth,
            List<List<Detection>> found) {
        double sum = 0;
        for (int i = 0; i < truth.size(); i++) {
            long n = found.get(i).stream().filter(d -> d.cellClass().equals(cls) && d.score() >= threshold).count();
            sum += Math.abs(n - truth.get(i).getOrDefault(cls, 0));
        }
        return sum / truth.size();
    }

    /** What the calibration needs of one image: the detections at the model's own settings, and its mean colour. */
    private record Seen(List<Detection> detections, float[] colour) {
    }

    private static Seen seen(CellDetector detector, AnnotatedImage image, Map<String, Seen> seen) throws IOException {
        Seen known = seen.get(image.id());
        if (known == null) {
            BufferedImage decoded = image.decode();
            known = new Seen(detector.detect(decoded).detections(), ModelDomain.meanColour(decoded));
            seen.put(image.id(), known);
        }
        return known;
    }
}
