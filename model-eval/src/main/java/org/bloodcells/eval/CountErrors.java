package org.bloodcells.eval;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How far per-image counts are from the truth, per class: in how many images the count is exact, the mean absolute
 * error, and the totals found and true.
 */
public final class CountErrors {

    /** One class's figures. */
    public record ClassCounts(int images, int exact, double meanAbsoluteError, int found, int truth) {
    }

    private final List<String> classes;
    private final Map<String, int[]> sums = new LinkedHashMap<>();   // images, exact, abs error, found, truth

    public CountErrors(List<String> classes) {
        this.classes = List.copyOf(classes);
        classes.forEach(c -> sums.put(c, new int[5]));
    }

    public void add(Map<String, Integer> truth, Map<String, Integer> found) {
        for (String c : classes) {
            int t = truth.getOrDefault(c, 0);
            int f = found.getOrDefault(c, 0);
            int[] s = sums.get(c);
            s[0]++;
            s[1] += t == f ? 1 : 0;
            s[2] += Math.abs(t - f);
            s[3] += f;
            s[4] += t;
        }
    }

    public Map<String, ClassCounts> perClass() {
        Map<String, ClassCounts> out = new LinkedHashMap<>();
        sums.forEach((c, s) -> out.put(c, new ClassCounts(s[0], s[1], s[0] == 0 ? 0 : (double) s[2] / s[0], s[3],
                s[4])));
        return out;
    }

    /** Per-class counts of boxes. */
    public static Map<String, Integer> truthCounts(List<GroundTruthBox> boxes) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        boxes.forEach(b -> counts.merge(b.cellClass(), 1, Integer::sum));
        return counts;
    }
}
