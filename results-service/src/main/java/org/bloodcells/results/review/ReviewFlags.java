package org.bloodcells.results.review;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.bloodcells.events.DetectedCell;
import org.bloodcells.results.config.ReviewConfig;
import org.bloodcells.results.service.CellClass;

/**
 * Why a run's counts should be looked at by a person: many counted cells the model was unsure of, an image unlike
 * the model's training images, or counts far from the slide's other images.
 */
public final class ReviewFlags {

    private ReviewFlags() {
    }

    /**
     * @param cells          the run's cells
     * @param counted        whether a cell counts (its class's count threshold), for runs that say so
     * @param outOfDistribution the worker's reasons the image is unlike the training images
     * @param counts         the run's counts per class label
     * @param slidePeers     per class, the counts of the slide's other DONE images
     */
    public static List<String> of(List<DetectedCell> cells, java.util.function.Predicate<DetectedCell> counted,
            List<String> outOfDistribution, Map<String, Integer> counts, Map<CellClass, int[]> slidePeers,
            ReviewConfig config) {
        List<String> flags = new ArrayList<>();
        long uncertain = cells.stream().filter(counted).filter(c -> c.score() < config.confidentScore()).count();
        if (uncertain >= config.uncertainCells()) {
            flags.add(String.format(Locale.ROOT, "uncertain: %d counted cells scored below %.2f", uncertain,
                    config.confidentScore()));
        }
        if (!outOfDistribution.isEmpty()) {
            flags.add("out of distribution: " + String.join("; ", outOfDistribution));
        }
        for (Map.Entry<CellClass, int[]> peers : slidePeers.entrySet()) {
            Integer count = counts.get(peers.getKey().label());
            int[] others = peers.getValue();
            if (count == null || others.length < config.outlierMinImages()) {
                continue;
            }
            double median = median(others);
            double[] deviations = Arrays.stream(others).mapToDouble(n -> Math.abs(n - median)).toArray();
            double spread = Math.max(1.4826 * median(deviations), Math.sqrt(median) + 1);
            double distance = Math.abs(count - median) / spread;
            if (distance > config.outlierDeviations()) {
                flags.add(String.format(Locale.ROOT, "outlier: %s %d where the slide's other %d images have a median of %s",
                        peers.getKey().label(), count, others.length, format(median)));
            }
        }
        return flags;
    }

    static double median(int[] values) {
        return median(Arrays.stream(values).mapToDouble(v -> v).toArray());
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static String format(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : String.format(Locale.ROOT, "%.1f", value);
    }
}
