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
import org.bloodcells.detection.Detection;
import org.bloodcells.detection.DetectionResult;
import org.bloodcells.detection.ImageScale;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * How models hold on images from other microscopes: BCCD test transformed as another magnification, focus, stain or
 * scanner would show it ({@link ImageTransforms}), and the other lab's crops ({@code datasets/draaslan-bcd}, for
 * evaluation only). For each model and data set: AP@0.5 (COCO, every detection above 0.001) and, per class, the
 * images whose count is exact and the mean absolute count error (counts as the workers count them: the model's
 * count thresholds), and how many images the model flags as unlike its training images. Red cells deformed into
 * abnormal shapes ({@code abnormal-rbc}) must stay red cells: the model may find no more white cells on those fields
 * than on the originals ({@link #abnormalRedCellChecks}), which needs the {@code clean} row beside it.
 *
 * <pre>
 * mvn -B -q -pl model-eval exec:java -Dexec.mainClass=org.bloodcells.eval.RobustnessBenchmark \
 *   -Dexec.args="--models models/efficientdet-d0-bccd.onnx"
 * </pre>
 */
@Command(name = "RobustnessBenchmark", mixinStandardHelpOptions = true, sortOptions = false,
        description = "AP@0.5, count exact-match and mean absolute error, and out-of-distribution flags of models on "
                + "BCCD test transformed as other microscopes would show it, and on the other lab's images.")
public final class RobustnessBenchmark implements Callable<Integer> {

    /** One row: a model on one data set. */
    public record Row(String model, String data, String scale, int images, double ap50,
            Map<String, CountErrors.ClassCounts> counts, int flagged) {
    }

    @Option(names = "--models", required = true, split = ",", paramLabel = "FILE.onnx",
            description = "the models to compare")
    List<Path> models;

    @Option(names = "--voc", defaultValue = "datasets/bccd", paramLabel = "DIR",
            description = "BCCD (default: ${DEFAULT-VALUE})")
    Path voc;

    @Option(names = "--split", defaultValue = "test", description = "its split (default: ${DEFAULT-VALUE})")
    String split;

    @Option(names = "--transforms", split = ",", description = "of " + "clean, zoom-0.5, zoom-2, zoom-3, blur, stain, "
            + "jpeg-30, abnormal-rbc (default: all; abnormal-rbc brings clean, its reference)")
    List<String> transforms = ImageTransforms.NAMES;

    @Option(names = "--no-declared",
            description = "leave out the runs, for models with a physical scale, with the images' true scale "
                    + "declared as a scanner would declare it")
    boolean noDeclared;

    @Option(names = "--other-lab", defaultValue = "datasets/draaslan-bcd", paramLabel = "DIR",
            description = "the other lab's images (default: ${DEFAULT-VALUE}); 'none' to leave them out")
    String otherLab;

    @Option(names = "--limit", paramLabel = "N", description = "only the first N images of each data set")
    Integer limit;

    @Option(names = "--threads", defaultValue = "2", paramLabel = "N", description = "intra-op threads")
    int threads;

    @Option(names = "--markdown", paramLabel = "FILE", description = "also write the table as Markdown")
    Path markdown;

    @Option(names = "--abnormal-picture", paramLabel = "FILE.png",
            description = "write the first image's field and its abnormal-rbc deformation side by side, with boxes")
    Path abnormalPicture;

    private static final String ABNORMAL = "abnormal-rbc";
    // the picture at this scale stays small enough to keep in the repository
    private static final double PICTURE_SCALE = 0.55;

    private RobustnessBenchmark() {
    }

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(new CommandLine(new RobustnessBenchmark()).execute(args));
    }

    public static RobustnessBenchmark parse(String... args) {
        RobustnessBenchmark options = new RobustnessBenchmark();
        new CommandLine(options).parseArgs(args);
        return options;
    }

    @Override
    public Integer call() throws IOException {
        run(System.out);
        return 0;
    }

    public List<Row> run(PrintStream out) throws IOException {
        List<AnnotatedImage> bccd = VocDataset.open(voc).split(split);
        double bccdScale = LabelledScale.micronsPerPixel(VocDataset.open(voc).split("train"));
        List<AnnotatedImage> other = "none".equals(otherLab) ? List.of() : OtherLabDataset.read(Path.of(otherLab));
        if (limit != null) {
            bccd = bccd.subList(0, Math.min(limit, bccd.size()));
            other = other.subList(0, Math.min(limit, other.size()));
        }
        if (abnormalPicture != null && !bccd.isEmpty()) {
            writeAbnormalPicture(bccd.get(0), abnormalPicture);
            out.println("Written to " + abnormalPicture);
        }
        List<String> rowTransforms = new ArrayList<>(transforms);
        if (rowTransforms.contains(ABNORMAL) && !rowTransforms.contains("clean")) {
            rowTransforms.add(rowTransforms.indexOf(ABNORMAL), "clean");
        }
        List<Row> rows = new ArrayList<>();
        for (Path model : models) {
            // COCO's protocol for AP; counts follow the model's own count thresholds, whatever this threshold is
            try (CellDetector detector = CellDetector.load(model, threads, s -> s.withScoreThreshold(0.001)
                    .withMaxDetections(100))) {
                String name = detector.model().name() + " " + detector.model().version();
                List<Boolean> modes = detector.domain().hasScale() && !noDeclared ? List.of(false, true) : List.of(false);
                for (boolean declare : modes) {
                    for (String t : rowTransforms) {
                        rows.add(report(out, evaluate(detector, name, "BCCD " + split + " " + t, bccd, t,
                                declare ? bccdScale : Double.NaN, detector.model().classes(), out)));
                    }
                }
                if (!other.isEmpty()) {
                    rows.add(report(out, evaluate(detector, name, "other lab", other, "clean", Double.NaN,
                            OtherLabDataset.CLASSES, out)));
                }
            }
        }
        String table = markdown(rows) + checks(abnormalRedCellChecks(rows));
        out.print(table);
        if (markdown != null) {
            Files.writeString(markdown, table);
            out.println("Written to " + markdown);
        }
        return rows;
    }

    private static Row report(PrintStream out, Row row) {
        out.printf(Locale.ROOT, "%s | %s | %s: AP@0.5 %.4f, flagged %d of %d%n", row.model(), row.data(), row.scale(),
                row.ap50(), row.flagged(), row.images());
        return row;
    }

    /**
     * @param datasetMpp the untransformed images' microns per pixel, declared (divided by the zoom); NaN to leave
     *                   the scale to the detector
     */
    static Row evaluate(CellDetector detector, String model, String data, List<AnnotatedImage> images,
            String transform, double datasetMpp, List<String> classes, PrintStream out) throws IOException {
        CocoEvaluator coco = new CocoEvaluator(classes);
        CountErrors counts = new CountErrors(classes);
        int flagged = 0;
        int done = 0;
        for (AnnotatedImage image : images) {
            BufferedImage decoded = image.decode();
            ImageTransforms.Transformed t = ImageTransforms.apply(transform, decoded, image.boxes());
            ImageScale scale = Double.isNaN(datasetMpp) ? ImageScale.unknown()
                    : new ImageScale(datasetMpp / t.zoom(), ImageScale.Source.DECLARED);
            DetectionResult result = detector.detect(t.image(), scale);
            List<Detection> kept = result.detections().stream().filter(d -> classes.contains(d.cellClass())).toList();
            coco.add(t.boxes(), kept);
            counts.add(CountErrors.truthCounts(t.boxes()), detector.countsAsReleased(kept));
            flagged += result.flagged() ? 1 : 0;
            if (++done % 20 == 0) {
                out.printf(Locale.ROOT, "  %s | %s: %d/%d images%n", model, data, done, images.size());
            }
        }
        return new Row(model, data, Double.isNaN(datasetMpp) ? (detector.domain().hasScale() ? "estimated" : "fitted")
                : "declared", images.size(), coco.evaluate().ap50(), counts.perClass(), flagged);
    }

    /**
     * The requirement that red cells deformed as abnormal ones stay red cells, for a model and scale: the white cells
     * it finds on the deformed fields against those it finds on the originals.
     */
    public record AbnormalRedCellCheck(String model, String scale, int whiteCellsOriginal, int whiteCellsDeformed) {

        public boolean passes() {
            return whiteCellsDeformed <= whiteCellsOriginal;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s (%s scale): WBC found on deformed fields %d %s %d on the originals: %s",
                    model, scale, whiteCellsDeformed, passes() ? "≤" : ">", whiteCellsOriginal,
                    passes() ? "PASS" : "FAIL");
        }
    }

    /** One check per abnormal-rbc row that has the clean row of its model and scale beside it. */
    static List<AbnormalRedCellCheck> abnormalRedCellChecks(List<Row> rows) {
        List<AbnormalRedCellCheck> checks = new ArrayList<>();
        for (Row deformed : rows) {
            if (!deformed.data().endsWith(" " + ABNORMAL)) {
                continue;
            }
            String clean = deformed.data().substring(0, deformed.data().length() - ABNORMAL.length()) + "clean";
            rows.stream().filter(r -> r.model().equals(deformed.model()) && r.scale().equals(deformed.scale())
                    && r.data().equals(clean)).findFirst().ifPresent(original -> checks.add(new AbnormalRedCellCheck(
                            deformed.model(), deformed.scale(), original.counts().get("WBC").found(),
                            deformed.counts().get("WBC").found())));
        }
        return checks;
    }

    private static String checks(List<AbnormalRedCellCheck> checks) {
        StringBuilder t = new StringBuilder();
        if (!checks.isEmpty()) {
            t.append("\nAbnormal red cells stay red cells (WBC found on deformed fields ≤ on the originals):\n\n");
            checks.forEach(c -> t.append("- ").append(c).append('\n'));
        }
        return t.toString();
    }

    private static void writeAbnormalPicture(AnnotatedImage image, Path file) throws IOException {
        BufferedImage decoded = image.decode();
        ImageTransforms.Transformed deformed = ImageTransforms.apply(ABNORMAL, decoded, image.boxes());
        BufferedImage picture = ComparisonPicture.beforeAfter(decoded, image.boxes(), image.id() + " as labelled",
                deformed.image(), deformed.boxes(), "its red cells deformed (abnormal-rbc)",
                List.of("RBC", "WBC", "Platelets"), PICTURE_SCALE);
        ImageIO.write(picture, "png", file.toFile());
    }

    static String markdown(List<Row> rows) {
        StringBuilder t = new StringBuilder("| model | data | scale | AP@0.5 | RBC exact | RBC MAE | WBC exact | WBC MAE "
                + "| Platelets exact | Platelets MAE | found / true (RBC, WBC, Plt) | flagged |\n"
                + "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |\n");
        for (Row r : rows) {
            t.append(String.format(Locale.ROOT, "| %s | %s | %s | %.4f |", r.model(), r.data(), r.scale(), r.ap50()));
            StringBuilder totals = new StringBuilder();
            for (String c : List.of("RBC", "WBC", "Platelets")) {
                CountErrors.ClassCounts cc = r.counts().get(c);
                t.append(cc == null ? " – | – |" : String.format(Locale.ROOT, " %d/%d | %.2f |", cc.exact(),
                        cc.images(), cc.meanAbsoluteError()));
                totals.append(totals.isEmpty() ? "" : ", ").append(cc == null ? "–" : cc.found() + "/" + cc.truth());
            }
            t.append(' ').append(totals).append(String.format(Locale.ROOT, " | %d/%d |%n", r.flagged(), r.images()));
        }
        return t.toString();
    }
}
