package org.bloodcells.detection;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Each scanner's scale as measured on its images of unknown scale: once {@value #TO_LEARN} of its last {@value #KEPT}
 * estimates agree within {@value #AGREEMENT} of their median, that median is the scale its next image of unknown scale
 * is first looked at ({@link CellDetector#prepare(java.awt.image.BufferedImage, ImageScale, double)}), which takes one
 * model run where the whole-image fit and a look at the measured scale would take two. Each image still measures its
 * own scale from its cells; a scanner whose later images disagree stops being reused until its estimates agree again.
 *
 * <p>The detect worker keeps one per replica and shows ops each scanner's figure, which a scanner's scale is better
 * declared as, so that no estimate is needed. In memory, for the {@value #SCANNERS} scanners seen last. Thread-safe.
 */
public class ScannerScales {

    /** Estimates kept per scanner, the latest ones. */
    static final int KEPT = 5;
    /** Estimates that must agree before a scanner's scale is reused. */
    static final int TO_LEARN = 3;
    /** How far an estimate may lie from the median of its scanner's and still agree with it. */
    static final double AGREEMENT = 0.05;
    /** Scanners remembered; the one seen longest ago goes first. */
    static final int SCANNERS = 1000;

    private final Map<String, Deque<Double>> estimates = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Deque<Double>> eldest) {
            return size() > SCANNERS;
        }
    };

    /**
     * The scale a scanner's image of unknown scale is likely at: the median of its agreeing estimates; empty until
     * they agree.
     */
    public synchronized OptionalDouble likely(String scannerId) {
        Deque<Double> kept = estimates.get(scannerId);
        return kept == null ? OptionalDouble.empty() : agreed(kept);
    }

    private static OptionalDouble agreed(Deque<Double> kept) {
        if (kept.size() < TO_LEARN) {
            return OptionalDouble.empty();
        }
        double[] sorted = kept.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        long agreeing = Arrays.stream(sorted).filter(e -> Math.abs(e / median - 1) <= AGREEMENT).count();
        return agreeing >= TO_LEARN ? OptionalDouble.of(median) : OptionalDouble.empty();
    }

    /**
     * What an image of the scanner came to: an estimate from its cells counts; a scale declared, configured or read
     * from the file says nothing about the images that lack one, and an image flagged as unlike the model's training
     * images may have mismeasured its cells.
     */
    public synchronized void observed(String scannerId, ImageScale scale, boolean flagged) {
        if (scannerId == null || flagged || scale.source() != ImageScale.Source.ESTIMATED) {
            return;
        }
        Deque<Double> kept = estimates.computeIfAbsent(scannerId, k -> new ArrayDeque<>(KEPT));
        if (kept.size() == KEPT) {
            kept.removeFirst();
        }
        kept.addLast(scale.micronsPerPixel());
    }

    /** Every scanner whose scale is reused now, with the figure. */
    public synchronized Map<String, Double> learned() {
        Map<String, Double> learned = new LinkedHashMap<>();
        estimates.forEach((scanner, kept) -> agreed(kept).ifPresent(mpp -> learned.put(scanner, mpp)));
        return learned;
    }
}
