package org.bloodcells.detection;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which detections are counted: per class of the model, those scoring at least its count threshold (its domain's,
 * never under the floor the detections were kept from).
 */
final class CountThresholds {

    private final List<String> classes;
    private final ModelDomain domain;

    CountThresholds(List<String> classes, ModelDomain domain) {
        this.classes = List.copyOf(classes);
        this.domain = domain;
    }

    /** Per class, the score from which a detection is counted when nothing under {@code floor} is. */
    Map<String, Double> at(double floor) {
        Map<String, Double> thresholds = new LinkedHashMap<>();
        for (String cellClass : classes) {
            thresholds.put(cellClass, domain.countThreshold(cellClass, floor));
        }
        return thresholds;
    }

    /** Detections counted per class in the model's class order, zeros included. */
    Map<String, Integer> count(List<Detection> detections, double floor) {
        Map<String, Double> countFrom = at(floor);
        Map<String, Integer> counts = new LinkedHashMap<>();
        classes.forEach(c -> counts.put(c, 0));
        for (Detection d : detections) {
            if (d.score() >= countFrom.getOrDefault(d.cellClass(), floor)) {
                counts.merge(d.cellClass(), 1, Integer::sum);
            }
        }
        return counts;
    }
}
