package org.bloodcells.eval;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

import org.bloodcells.detection.CellDetector;
import org.bloodcells.detection.DomainCheck;
import org.bloodcells.detection.ImageScale;
import org.bloodcells.detection.ModelDomain;
import org.bloodcells.detection.ScaleReport;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Whether the out-of-distribution flag informs: per data set, the share of images flagged and the mean absolute count
 * error per image (RBC + WBC, and per class) of the flagged and the unflagged images, for the flag as the detection
 * core now raises it and, for comparison, for an image's colour alone (its mean colour more than
 * {@link DomainCheck#COLOUR_Z} standard deviations from every source the model learnt from). BCCD val and the other
 * lab's site corrections are where the flag's settings were chosen; BCCD test and the held-back half are only
 * reported.
 *
 * <pre>
 * mvn -B -q -pl model-eval -am install -DskipTests
 * mvn -B -q -pl model-eval exec:java -Dexec.mainClass=org.bloodcells.eval.FlagBenchmark \
 *   -Dexec.args="--cache runs/flag-cache.json"
 * </pre>
 */
@Command(name = "FlagBenchmark", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Flagged share and flagged against unflagged mean count errors of the out-of-distribution flag "
                + "on BCCD val and test and the other lab's site corrections and held-back crops.")
public final class FlagBenchmark implements Callable<Integer> {

    /** One data set's figures. */
    public record Row(String data, String flag, int images, int flagged, Errors flaggedErrors,
            Errors unflaggedErrors) {
    }

    /** Mean absolute count error per image: RBC + WBC, RBC, WBC; NaN over no image. */
    public record Errors(double total, double rbc, double wbc) {

        static Errors of(List<DetectionCache.Seen> images, List<Map<String, Integer>> counts) {
            double[] sums = new double[3];
            for (int i = 0; i < images.size(); i++) {
                int rbc = Math.abs(counts.get(i).getOrDefault("RBC", 0) - images.get(i).truth().getOrDefault("RBC", 0));
                int wbc = Math.abs(counts.get(i).getOrDefault("WBC", 0) - images.get(i).truth().getOrDefault("WBC", 0));
                sums[0] += rbc + wbc;
                sums[1] += rbc;
                sums[2] += wbc;
            }
            int n = images.size();
            return new Errors(sums[0] / n, sums[1] / n, sums[2] / n);
        }
    }

    @Option(names = "--model", defaultValue = "models/efficientdet-d0-bccd.onnx", paramLabel = "FILE.onnx")
    Path model;

    @Option(names = "--voc", defaultValue = "datasets/bccd", paramLabel = "DIR",
            description = "BCCD (default: ${DEFAULT-VALUE})")
    Path voc;

    @Option(names = "--other-lab", defaultValue = "datasets/draaslan-bcd", paramLabel = "DIR",
            description = "the other lab's crops (default: ${DEFAULT-VALUE}), split by SiteSplit")
    Path otherLab;

    @Option(names = "--cache", paramLabel = "FILE.json",
            description = "keep each image's detections here and reuse them for the same model (the detection pass "
                    + "is the slow part)")
    Path cache;

    @Option(names = "--limit", paramLabel = "N", description = "only the first N images of each data set")
    Integer limit;

    @Option(names = "--threads", defaultValue = "2", paramLabel = "N", description = "intra-op threads")
    int threads;

    private FlagBenchmark() {
    }

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(new CommandLine(new FlagBenchmark()).execute(args));
    }

    public static FlagBenchmark parse(String... args) {
        FlagBenchmark options = new FlagBenchmark();
        new CommandLine(options).parseArgs(args);
        return options;
    }

    @Override
    public Integer call() throws IOException {
        run(System.out);
        return 0;
    }

    public List<Row> run(PrintStream out) throws IOException {
        VocDataset bccd = VocDataset.open(voc);
        SiteSplit site = SiteSplit.of(OtherLabDataset.read(otherLab));
        Map<String, List<AnnotatedImage>> sets = new java.util.LinkedHashMap<>();
        sets.put("BCCD val (chosen on)", bccd.split("val"));
        sets.put("other lab site corrections (chosen on)", site.corrections());
        sets.put("BCCD test", bccd.split("test"));
        sets.put("other lab held back", site.heldBack());
        List<AnnotatedImage> all = new ArrayList<>(site.corrections());
        all.addAll(site.heldBack());
        List<Row> rows = new ArrayList<>();
        try (CellDetector detector = CellDetector.load(model, threads)) {
            DetectionCache cache = DetectionCache.open(this.cache, model.getFileName() + " "
                    + detector.model().version());
            Map<String, List<DetectionCache.Seen>> seen = new java.util.LinkedHashMap<>();
            for (var set : sets.entrySet()) {
                seen.put(set.getKey(), cache.seen(detector, set.getKey().replace(" (chosen on)", ""),
                        limited(set.getValue()), out));
            }
            List<DetectionCache.Seen> otherLab = new ArrayList<>(seen.get("other lab site corrections (chosen on)"));
            otherLab.addAll(seen.get("other lab held back"));
            seen.put("other lab, all 100 (for information)", otherLab);
            ModelDomain domain = detector.domain();
            double floor = detector.modelSettings().scoreThreshold();
            for (var set : seen.entrySet()) {
                List<DetectionCache.Seen> images = set.getValue();
                List<Map<String, Integer>> counts = images.stream()
                        .map(s -> detector.countsAsReleased(s.detections())).toList();
                rows.add(row(set.getKey(), "flag", images, counts, s -> verdict(domain, floor, s).reasons().size() > 0));
                rows.add(row(set.getKey(), "colour alone", images, counts, s -> domain.nearestColour(s.colour()) != null
                        && domain.nearestColour(s.colour()).distance(s.colour()) > DomainCheck.COLOUR_Z));
            }
        }
        out.print(markdown(rows));
        return rows;
    }

    private List<AnnotatedImage> limited(List<AnnotatedImage> images) {
        return limit == null ? images : images.subList(0, Math.min(limit, images.size()));
    }

    static DomainCheck.Verdict verdict(ModelDomain domain, double floor, DetectionCache.Seen image) {
        ImageScale scale = image.scaleSource() == ImageScale.Source.UNKNOWN ? ImageScale.unknown()
                : new ImageScale(image.micronsPerPixel(), image.scaleSource());
        return DomainCheck.check(domain, floor, new ScaleReport(scale, 1, 1), image.colour(), image.detections());
    }

    private static Row row(String data, String flag, List<DetectionCache.Seen> images,
            List<Map<String, Integer>> counts, Predicate<DetectionCache.Seen> flagged) {
        List<DetectionCache.Seen> in = new ArrayList<>();
        List<DetectionCache.Seen> out = new ArrayList<>();
        List<Map<String, Integer>> inCounts = new ArrayList<>();
        List<Map<String, Integer>> outCounts = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            boolean f = flagged.test(images.get(i));
            (f ? in : out).add(images.get(i));
            (f ? inCounts : outCounts).add(counts.get(i));
        }
        return new Row(data, flag, images.size(), in.size(), Errors.of(in, inCounts), Errors.of(out, outCounts));
    }

    static String markdown(List<Row> rows) {
        StringBuilder t = new StringBuilder("| data | flagged by | flagged | mean abs. count error, flagged (RBC+WBC; "
                + "RBC, WBC) | unflagged |\n| --- | --- | ---: | --- | --- |\n");
        for (Row r : rows) {
            t.append(String.format(Locale.ROOT, "| %s | %s | %d/%d | %s | %s |%n", r.data(), r.flag(), r.flagged(),
                    r.images(), format(r.flaggedErrors()), format(r.unflaggedErrors())));
        }
        return t.toString();
    }

    private static String format(Errors e) {
        return Double.isNaN(e.total()) ? "—" : String.format(Locale.ROOT, "%.2f (%.2f, %.2f)", e.total(), e.rbc(),
                e.wbc());
    }
}
