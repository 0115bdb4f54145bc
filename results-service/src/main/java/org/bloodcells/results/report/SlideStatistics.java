package org.bloodcells.results.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A slide's estimates from its counted fields, with 95 % intervals from a percentile bootstrap over fields: fields
 * are drawn with replacement and each estimate recomputed, so the interval is as wide as the fields really differ
 * (cells clump, fields are thicker or thinner): over-dispersion is not assumed away as a Poisson interval would.
 * The seed is fixed, so the same fields always give the same report.
 *
 * <p>Concentrations per µL are a thin-smear approximation (README "The slide report"): cells per µm² of the fields
 * divided by an assumed effective depth of the monolayer, {@link #EFFECTIVE_DEPTH_MICRONS}.
 */
public final class SlideStatistics {

    public static final int RESAMPLES = 2000;
    public static final long SEED = 26L;
    /**
     * The depth of blood one µm² of a thin smear's monolayer holds, in µm. The manual estimates imply it: a platelet
     * per oil-immersion (100×) field is about 20,000/µL, and such a field (field number 22) is π·110² ≈ 38,000 µm²;
     * 1 / 38,000 µm² ÷ 20,000/µL (2·10⁻⁵ per µm³) ≈ 1.3 µm.
     */
    public static final double EFFECTIVE_DEPTH_MICRONS = 1.3;
    static final double CUBIC_MICRONS_PER_MICROLITRE = 1e9;
    static final String PLATELETS = "Platelets";
    static final String RBC = "RBC";

    /** A 95 % interval; null where fewer than two fields give none. */
    public record Interval(double low, double high) {
    }

    /**
     * One class's results.
     *
     * @param meanPerField  null without any field
     * @param perMicrolitre null where some counted field's scale is unknown
     */
    public record ClassResult(String cellClass, long total, Double meanPerField, Interval meanInterval,
            Double perMicrolitre, Interval perMicrolitreInterval) {
    }

    /** A ratio with its interval; null value where the denominator is 0. */
    public record Ratio(Double value, Interval interval) {
    }

    public record Result(int fields, List<ClassResult> classes, Ratio plateletsPer100Rbc, boolean scaleKnown,
            Double areaSquareMicrons) {
    }

    private SlideStatistics() {
    }

    public static Result of(List<FieldCounts> fields, List<String> classes) {
        int n = fields.size();
        boolean scaleKnown = n > 0 && fields.stream().allMatch(f -> f.micronsPerPixel() != null);
        double[] areas = scaleKnown ? fields.stream().mapToDouble(FieldCounts::areaSquareMicrons).toArray() : null;
        int[][] counts = new int[classes.size()][n];
        for (int c = 0; c < classes.size(); c++) {
            for (int f = 0; f < n; f++) {
                counts[c][f] = fields.get(f).count(classes.get(c));
            }
        }
        int[] all = new int[n];
        Arrays.setAll(all, i -> i);
        // statistics: per class the mean per field and (scale known) the concentration, then the platelet ratio
        double[] point = statistics(all, counts, areas, classes);
        double[][] resampled = new double[point.length][];
        if (n >= 2) {
            SplittableRandom random = new SplittableRandom(SEED);
            double[][] draws = new double[point.length][RESAMPLES];
            int[] pick = new int[n];
            for (int r = 0; r < RESAMPLES; r++) {
                for (int i = 0; i < n; i++) {
                    pick[i] = random.nextInt(n);
                }
                double[] stats = statistics(pick, counts, areas, classes);
                for (int s = 0; s < stats.length; s++) {
                    draws[s][r] = stats[s];
                }
            }
            resampled = draws;
        }
        List<ClassResult> results = new ArrayList<>();
        for (int c = 0; c < classes.size(); c++) {
            long total = Arrays.stream(counts[c]).asLongStream().sum();
            results.add(new ClassResult(classes.get(c), total, n == 0 ? null : point[2 * c], interval(resampled[2 * c]),
                    scaleKnown ? point[2 * c + 1] : null, scaleKnown ? interval(resampled[2 * c + 1]) : null));
        }
        int ratio = 2 * classes.size();
        Ratio platelets = Double.isNaN(point[ratio]) ? new Ratio(null, null)
                : new Ratio(point[ratio], interval(resampled[ratio]));
        return new Result(n, results, platelets, scaleKnown,
                scaleKnown ? Arrays.stream(areas).sum() : null);
    }

    /** Cells per µL from cells over an area of the monolayer: count / (area × depth) × 10⁹ µm³/µL. */
    public static double perMicrolitre(double cells, double areaSquareMicrons) {
        return cells / (areaSquareMicrons * EFFECTIVE_DEPTH_MICRONS) * CUBIC_MICRONS_PER_MICROLITRE;
    }

    private static double[] statistics(int[] pick, int[][] counts, double[] areas, List<String> classes) {
        double[] stats = new double[2 * classes.size() + 1];
        double area = 0;
        if (areas != null) {
            for (int f : pick) {
                area += areas[f];
            }
        }
        int rbc = classes.indexOf(RBC);
        int platelets = classes.indexOf(PLATELETS);
        double rbcSum = 0;
        double plateletSum = 0;
        for (int c = 0; c < classes.size(); c++) {
            double sum = 0;
            for (int f : pick) {
                sum += counts[c][f];
            }
            stats[2 * c] = sum / pick.length;
            stats[2 * c + 1] = areas == null ? Double.NaN : perMicrolitre(sum, area);
            if (c == rbc) {
                rbcSum = sum;
            } else if (c == platelets) {
                plateletSum = sum;
            }
        }
        stats[2 * classes.size()] = rbc < 0 || platelets < 0 || rbcSum == 0 ? Double.NaN : 100 * plateletSum / rbcSum;
        return stats;
    }

    /** The 2.5th and 97.5th percentiles of the resampled values that are defined; null without any. */
    private static Interval interval(double[] values) {
        if (values == null) {
            return null;
        }
        double[] defined = Arrays.stream(values).filter(v -> !Double.isNaN(v)).sorted().toArray();
        if (defined.length == 0) {
            return null;
        }
        return new Interval(percentile(defined, 0.025), percentile(defined, 0.975));
    }

    private static double percentile(double[] sorted, double p) {
        double rank = p * (sorted.length - 1);
        int below = (int) Math.floor(rank);
        int above = Math.min(below + 1, sorted.length - 1);
        return sorted[below] + (rank - below) * (sorted[above] - sorted[below]);
    }
}
