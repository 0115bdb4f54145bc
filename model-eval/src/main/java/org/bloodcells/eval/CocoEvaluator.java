package org.bloodcells.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bloodcells.detection.Detection;

/**
 * COCO box evaluation, computed the way pycocotools' {@code COCOeval} (evaluate, accumulate, summarize) does:
 * <ul>
 * <li>per image and class, detections by descending score (stable), at most 100;</li>
 * <li>for each IoU threshold 0.50, 0.55, …, 0.95, each detection in turn takes the unmatched ground truth it
 * overlaps most with IoU ≥ threshold, preferring ground truth inside the area range;</li>
 * <li>ground truth outside the area range is ignored, and so is a detection matched to it, or an unmatched
 * detection whose own area is outside the range;</li>
 * <li>per class, all images' detections by descending score give cumulative precision and recall; precision is
 * made monotone from the right and read at recall 0, 0.01, …, 1 (first point with recall ≥ r, 0 beyond the
 * last); AP is the mean over thresholds and recall points; classes without ground truth are left out.</li>
 * </ul>
 * IoU uses continuous coordinates (area = w·h). Not thread-safe: feed it from one thread.
 */
public final class CocoEvaluator {

    /** 0.50:0.05:0.95 as {@code np.linspace(.5, 0.95, 10)} computes them (equality at a threshold matches). */
    static final double[] IOU_THRESHOLDS = linspace(0.5, 0.95, 10);
    /** 0:0.01:1 as {@code np.linspace(0, 1, 101)}. */
    static final double[] RECALL_POINTS = linspace(0.0, 1.0, 101);
    static final int MAX_DETECTIONS = 100;

    private static final int T50 = 0;
    private static final int T75 = 5;
    private static final double EPS = Math.ulp(1.0);
    /** all, small, medium, large; bounds inclusive as in pycocotools. */
    private static final double[][] AREA_RANGES = {{0, 1e10}, {0, 32 * 32}, {32 * 32, 96 * 96}, {96 * 96, 1e10}};
    private static final int ALL = 0;

    private final List<String> classes;
    private final Map<String, Integer> classIndex = new LinkedHashMap<>();
    /** [class][area] → per-image outcomes, in the order images were added. */
    private final List<List<List<ImageOutcome>>> outcomes = new ArrayList<>();
    private final int[] groundTruthCounts;
    private int images;

    public CocoEvaluator(List<String> classes) {
        this.classes = List.copyOf(classes);
        for (int k = 0; k < classes.size(); k++) {
            classIndex.put(classes.get(k), k);
            List<List<ImageOutcome>> perArea = new ArrayList<>();
            for (int a = 0; a < AREA_RANGES.length; a++) {
                perArea.add(new ArrayList<>());
            }
            outcomes.add(perArea);
        }
        groundTruthCounts = new int[classes.size()];
    }

    /**
     * Adds one image's ground truth and detections. Detections of classes the evaluator does not know are an error,
     * as is ground truth of such classes.
     */
    public void add(List<GroundTruthBox> truth, List<Detection> detections) {
        for (GroundTruthBox g : truth) {
            requireKnown(g.cellClass());
        }
        for (Detection d : detections) {
            requireKnown(d.cellClass());
        }
        images++;
        for (int k = 0; k < classes.size(); k++) {
            String cellClass = classes.get(k);
            double[][] gt = truth.stream().filter(g -> g.cellClass().equals(cellClass))
                    .map(g -> new double[] {g.x1(), g.y1(), g.x2() - (double) g.x1(), g.y2() - (double) g.y1()})
                    .toArray(double[][]::new);
            List<Detection> dts = detections.stream().filter(d -> d.cellClass().equals(cellClass))
                    .sorted(Comparator.comparingDouble(d -> -d.score())).limit(MAX_DETECTIONS).toList();
            groundTruthCounts[k] += gt.length;
            if (gt.length == 0 && dts.isEmpty()) {
                continue;
            }
            double[][] dt = dts.stream()
                    .map(d -> new double[] {d.x1(), d.y1(), d.x2() - (double) d.x1(), d.y2() - (double) d.y1()})
                    .toArray(double[][]::new);
            double[] scores = dts.stream().mapToDouble(Detection::score).toArray();
            double[][] ious = new double[dt.length][gt.length];
            for (int d = 0; d < dt.length; d++) {
                for (int g = 0; g < gt.length; g++) {
                    ious[d][g] = iou(dt[d], gt[g]);
                }
            }
            for (int a = 0; a < AREA_RANGES.length; a++) {
                outcomes.get(k).get(a).add(match(gt, dt, scores, ious, AREA_RANGES[a]));
            }
        }
    }

    private void requireKnown(String cellClass) {
        if (!classIndex.containsKey(cellClass)) {
            throw new IllegalArgumentException("Unknown class '" + cellClass + "', evaluating " + classes);
        }
    }

    /** pycocotools' {@code evaluateImg} for one image, class and area range. */
    private static ImageOutcome match(double[][] gt, double[][] dt, double[] scores, double[][] ious,
            double[] range) {
        int[] order = new int[gt.length];
        boolean[] gtIgnored = new boolean[gt.length];
        int next = 0;
        // Ground truth inside the range first, each group in its original order (a stable sort on the flag).
        for (int pass = 0; pass < 2; pass++) {
            for (int g = 0; g < gt.length; g++) {
                double area = gt[g][2] * gt[g][3];
                boolean ignored = area < range[0] || area > range[1];
                if (ignored == (pass == 1)) {
                    gtIgnored[next] = ignored;
                    order[next++] = g;
                }
            }
        }
        int thresholds = IOU_THRESHOLDS.length;
        boolean[][] matched = new boolean[thresholds][dt.length];
        boolean[][] ignored = new boolean[thresholds][dt.length];
        for (int t = 0; t < thresholds; t++) {
            boolean[] gtTaken = new boolean[gt.length];
            for (int d = 0; d < dt.length; d++) {
                double best = Math.min(IOU_THRESHOLDS[t], 1 - 1e-10);
                int m = -1;
                for (int j = 0; j < gt.length; j++) {
                    if (gtTaken[j]) {
                        continue;
                    }
                    if (m > -1 && !gtIgnored[m] && gtIgnored[j]) {
                        break;
                    }
                    double iou = ious[d][order[j]];
                    if (iou < best) {
                        continue;
                    }
                    best = iou;
                    m = j;
                }
                if (m == -1) {
                    continue;
                }
                ignored[t][d] = gtIgnored[m];
                matched[t][d] = true;
                gtTaken[m] = true;
            }
            for (int d = 0; d < dt.length; d++) {
                double area = dt[d][2] * dt[d][3];
                if (!matched[t][d] && (area < range[0] || area > range[1])) {
                    ignored[t][d] = true;
                }
            }
        }
        int counted = 0;
        for (boolean g : gtIgnored) {
            counted += g ? 0 : 1;
        }
        return new ImageOutcome(scores, matched, ignored, counted);
    }

    /** COCO box IoU of {@code x, y, w, h} boxes (no crowd boxes). */
    static double iou(double[] d, double[] g) {
        double w = Math.min(d[0] + d[2], g[0] + g[2]) - Math.max(d[0], g[0]);
        if (w <= 0) {
            return 0;
        }
        double h = Math.min(d[1] + d[3], g[1] + g[3]) - Math.max(d[1], g[1]);
        if (h <= 0) {
            return 0;
        }
        double inter = w * h;
        return inter / (d[2] * d[3] + g[2] * g[3] - inter);
    }

    public CocoMetrics evaluate() {
        int classCount = classes.size();
        // [class][area] → precision [T][R] and recall [T]; null where the class has no counted ground truth.
        double[][][][] precision = new double[classCount][AREA_RANGES.length][][];
        double[][][] recall = new double[classCount][AREA_RANGES.length][];
        for (int k = 0; k < classCount; k++) {
            for (int a = 0; a < AREA_RANGES.length; a++) {
                accumulate(outcomes.get(k).get(a), k, a, precision, recall);
            }
        }
        Map<String, CocoMetrics.ClassMetrics> perClass = new LinkedHashMap<>();
        for (int k = 0; k < classCount; k++) {
            int only = k;
            perClass.put(classes.get(k), new CocoMetrics.ClassMetrics(groundTruthCounts[k],
                    meanPrecision(precision, ALL, -1, only), meanPrecision(precision, ALL, T50, only),
                    meanPrecision(precision, ALL, T75, only), meanRecall(recall, ALL, only)));
        }
        return new CocoMetrics(meanPrecision(precision, ALL, -1, -1), meanPrecision(precision, ALL, T50, -1),
                meanPrecision(precision, ALL, T75, -1), meanPrecision(precision, 1, -1, -1),
                meanPrecision(precision, 2, -1, -1), meanPrecision(precision, 3, -1, -1),
                meanRecall(recall, ALL, -1), perClass, images);
    }

    /** pycocotools' {@code accumulate} for one class and area range (maxDets 100). */
    private static void accumulate(List<ImageOutcome> perImage, int k, int a, double[][][][] precision,
            double[][][] recall) {
        int counted = perImage.stream().mapToInt(ImageOutcome::countedTruth).sum();
        if (perImage.isEmpty() || counted == 0) {
            return;
        }
        int total = perImage.stream().mapToInt(o -> o.scores().length).sum();
        double[] scores = new double[total];
        int[] source = new int[total];
        int[] sourceIndex = new int[total];
        int n = 0;
        for (int i = 0; i < perImage.size(); i++) {
            for (int d = 0; d < perImage.get(i).scores().length; d++) {
                scores[n] = perImage.get(i).scores()[d];
                source[n] = i;
                sourceIndex[n++] = d;
            }
        }
        // np.argsort(-scores, kind="mergesort"): descending, ties in concatenation order.
        Integer[] rank = new Integer[total];
        for (int i = 0; i < total; i++) {
            rank[i] = i;
        }
        Arrays.sort(rank, Comparator.comparingDouble(i -> -scores[i]));
        int thresholds = IOU_THRESHOLDS.length;
        double[][] p = new double[thresholds][RECALL_POINTS.length];
        double[] r = new double[thresholds];
        for (int t = 0; t < thresholds; t++) {
            double[] rc = new double[total];
            double[] pr = new double[total];
            double tp = 0;
            double fp = 0;
            for (int j = 0; j < total; j++) {
                ImageOutcome o = perImage.get(source[rank[j]]);
                int d = sourceIndex[rank[j]];
                if (!o.ignored()[t][d]) {
                    if (o.matched()[t][d]) {
                        tp++;
                    } else {
                        fp++;
                    }
                }
                rc[j] = tp / counted;
                pr[j] = tp / (fp + tp + EPS);
            }
            r[t] = total > 0 ? rc[total - 1] : 0;
            for (int j = total - 1; j > 0; j--) {
                if (pr[j] > pr[j - 1]) {
                    pr[j - 1] = pr[j];
                }
            }
            for (int q = 0; q < RECALL_POINTS.length; q++) {
                int at = searchSortedLeft(rc, RECALL_POINTS[q]);
                if (at >= total) {
                    break;
                }
                p[t][q] = pr[at];
            }
        }
        precision[k][a] = p;
        recall[k][a] = r;
    }

    /** First index whose value is ≥ {@code value}, or the length (numpy's {@code searchsorted(side="left")}). */
    private static int searchSortedLeft(double[] sorted, double value) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < value) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Mean over thresholds (or one, {@code t ≥ 0}) and recall points, over classes (or one, {@code k ≥ 0}). */
    private static double meanPrecision(double[][][][] precision, int a, int t, int k) {
        double sum = 0;
        long n = 0;
        for (int c = 0; c < precision.length; c++) {
            if ((k >= 0 && c != k) || precision[c][a] == null) {
                continue;
            }
            for (int ti = 0; ti < IOU_THRESHOLDS.length; ti++) {
                if (t >= 0 && ti != t) {
                    continue;
                }
                for (double v : precision[c][a][ti]) {
                    sum += v;
                    n++;
                }
            }
        }
        return n == 0 ? -1 : sum / n;
    }

    private static double meanRecall(double[][][] recall, int a, int k) {
        double sum = 0;
        long n = 0;
        for (int c = 0; c < recall.length; c++) {
            if ((k >= 0 && c != k) || recall[c][a] == null) {
                continue;
            }
            for (double v : recall[c][a]) {
                sum += v;
                n++;
            }
        }
        return n == 0 ? -1 : sum / n;
    }

    private static double[] linspace(double start, double stop, int num) {
        double step = (stop - start) / (num - 1);
        double[] values = new double[num];
        for (int i = 0; i < num; i++) {
            values[i] = i * step + start;
        }
        values[num - 1] = stop;
        return values;
    }

    /** pycocotools' {@code evaluateImg} result: per threshold, which detections matched and which are ignored. */
    private record ImageOutcome(double[] scores, boolean[][] matched, boolean[][] ignored, int countedTruth) {
    }
}
