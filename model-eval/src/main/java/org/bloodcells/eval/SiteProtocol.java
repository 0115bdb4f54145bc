package org.bloodcells.eval;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The site fine-tune's before/after table (issue 24's protocol): each model on the site's held-back images (the
 * {@code test} split of a site dataset, {@link ExportSiteDataset}) and on BCCD test, as the workers run it, with the
 * protocol's targets checked. What {@code models/README.md} quotes.
 *
 * <pre>
 * mvn -B -q -pl model-eval exec:java -Dexec.mainClass=org.bloodcells.eval.SiteProtocol \
 *   -Dexec.args="--site runs/site-draaslan --model models/efficientdet-d0-bccd.onnx --model runs/site.onnx"
 * </pre>
 */
@Command(name = "SiteProtocol", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Measures models on a site's held-back split and on BCCD test and prints the protocol's table.")
public final class SiteProtocol implements Callable<Integer> {

    /** The protocol's targets on the site's held-back images and on BCCD test. */
    static final double WBC_EXACT_TARGET = 0.90;
    static final double RBC_TOTAL_TOLERANCE = 0.10;
    static final double BCCD_AP50_TARGET = 0.925;

    @Option(names = "--site", required = true, paramLabel = "DIR", description = "the site dataset (VOC); its test "
            + "split is the held-back half")
    Path site;

    @Option(names = "--bccd", defaultValue = "datasets/bccd", paramLabel = "DIR")
    Path bccd;

    @Option(names = "--model", required = true, paramLabel = "FILE.onnx", description = "models in table order: "
            + "the one in force first")
    List<Path> models;

    @Option(names = "--threads", defaultValue = "2")
    int threads;

    @Option(names = "--verbose", description = "print every image's line")
    boolean verbose;

    /** One model's figures on both. */
    record Row(String label, Evaluation.Summary site, Evaluation.Summary bccd) {
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new SiteProtocol()).execute(args));
    }

    @Override
    public Integer call() throws IOException {
        List<Row> rows = new ArrayList<>();
        PrintStream quiet = verbose ? System.out : new PrintStream(OutputStream.nullOutputStream());
        for (Path model : models) {
            System.out.printf(Locale.ROOT, "Measuring %s on %s test and %s test...%n", model, site, bccd);
            Evaluation.Summary onSite = Evaluation.run(EvaluationRequest.of(model).withDataset(site, "test")
                    .withThreads(threads), quiet);
            Evaluation.Summary onBccd = Evaluation.run(EvaluationRequest.of(model).withDataset(bccd, "test")
                    .withThreads(threads), quiet);
            rows.add(new Row(onSite.model() + " " + onSite.version(), onSite, onBccd));
        }
        System.out.print(table(rows));
        return 0;
    }

    static String table(List<Row> rows) {
        StringBuilder t = new StringBuilder();
        t.append("| model | site AP@0.5 (RBC, WBC) | WBC exact | RBC exact | WBC MAE | RBC MAE | WBC found / true "
                + "| RBC found / true | flagged | BCCD test AP@0.5 | RBC | WBC | Platelets |\n");
        t.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (Row r : rows) {
            CountErrors.ClassCounts wbc = r.site().counts().get("WBC");
            CountErrors.ClassCounts rbc = r.site().counts().get("RBC");
            CocoMetrics b = r.bccd().metrics();
            t.append(String.format(Locale.ROOT, "| %s | %.4f | %d/%d | %d/%d | %.2f | %.2f | %d / %d | %d / %d | %d/%d "
                    + "| %.4f | %.4f | %.4f | %.4f |%n", r.label(), r.site().metrics().ap50(), wbc.exact(),
                    wbc.images(), rbc.exact(), rbc.images(), wbc.meanAbsoluteError(), rbc.meanAbsoluteError(),
                    wbc.found(), wbc.truth(), rbc.found(), rbc.truth(), r.site().flagged(), r.site().images(),
                    b.ap50(), b.perClass().get("RBC").ap50(), b.perClass().get("WBC").ap50(),
                    b.perClass().get("Platelets").ap50()));
        }
        Row first = rows.get(0);
        for (Row r : rows.subList(1, rows.size())) {
            t.append(targets(r, first));
        }
        return t.toString();
    }

    /** The protocol's targets for a fine-tuned model, against the model in force. */
    static String targets(Row after, Row before) {
        CountErrors.ClassCounts wbc = after.site().counts().get("WBC");
        CountErrors.ClassCounts rbc = after.site().counts().get("RBC");
        double wbcExact = (double) wbc.exact() / wbc.images();
        double rbcTotal = (double) rbc.found() / rbc.truth() - 1;
        double plateletsAfter = after.bccd().metrics().perClass().get("Platelets").ap50();
        double plateletsBefore = before.bccd().metrics().perClass().get("Platelets").ap50();
        return String.format(Locale.ROOT, "%nTargets for %s:%n"
                + "- WBC exact on the held-back images >= %.0f%%: %.0f%% %s%n"
                + "- RBC total within +-%.0f%% of labelled: %+.1f%% %s%n"
                + "- BCCD test AP@0.5 >= %.3f: %.4f %s%n"
                + "- BCCD test platelets AP@0.5 not lower than %s's %.4f: %.4f %s%n",
                after.label(), 100 * WBC_EXACT_TARGET, 100 * wbcExact, verdict(wbcExact >= WBC_EXACT_TARGET),
                100 * RBC_TOTAL_TOLERANCE, 100 * rbcTotal, verdict(Math.abs(rbcTotal) <= RBC_TOTAL_TOLERANCE),
                BCCD_AP50_TARGET, after.bccd().metrics().ap50(), verdict(after.bccd().metrics().ap50() >= BCCD_AP50_TARGET),
                before.label(), plateletsBefore, plateletsAfter, verdict(plateletsAfter >= plateletsBefore));
    }

    private static String verdict(boolean met) {
        return met ? "MET" : "NOT MET";
    }
}
