package org.bloodcells.detection;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

/**
 * The {@code metadata_props} of a model, parsed and checked against {@code models/CONTRACT.md}.
 *
 * @param ratios   aspect ratios as {@code {rx, ry}} pairs
 * @param settings the post-processing the model was released with
 * @param domain   its physical scale, count thresholds and training statistics, where it has them
 */
record ModelMetadata(String name, String version, List<String> classes, int inputSize, int[] levels,
        double anchorScale, double[] scales, double[][] ratios, float[] mean, float[] std, DetectorSettings settings,
        ModelDomain domain) {

    static final List<String> REQUIRED_KEYS = List.of("model_name", "model_version", "classes", "input_size",
            "levels", "anchor_scale", "scales", "ratios", "mean", "std", "score_threshold", "nms_iou_threshold",
            "max_detections", "test_time_flips", "box_voting_iou", "soft_nms_sigma");

    static ModelMetadata parse(Map<String, String> props) {
        List<String> missing = REQUIRED_KEYS.stream().filter(k -> blank(props.get(k))).toList();
        if (!missing.isEmpty()) {
            throw new ModelContractException("Model metadata lacks " + String.join(", ", missing)
                    + " (has " + String.join(", ", props.keySet().stream().sorted().toList()) + ")");
        }
        List<String> classes = Arrays.stream(props.get("classes").split(",")).map(String::trim).toList();
        if (classes.stream().anyMatch(String::isEmpty) || new HashSet<>(classes).size() != classes.size()) {
            throw new ModelContractException("Model metadata 'classes' must be distinct non-empty names, was '"
                    + props.get("classes") + "'");
        }
        int inputSize = positiveInt(props, "input_size");
        int[] levels = Arrays.stream(list(props, "levels")).mapToInt(v -> integer("levels", v)).toArray();
        for (int level : levels) {
            if (level < 0 || level > 12 || (1 << level) > inputSize * 2) {
                throw new ModelContractException("Model metadata 'levels' has an impossible level " + level);
            }
        }
        double anchorScale = positiveNumber("anchor_scale", props.get("anchor_scale").trim());
        double[] scales = Arrays.stream(list(props, "scales")).mapToDouble(v -> positiveNumber("scales", v)).toArray();
        List<double[]> ratios = new ArrayList<>();
        for (String pair : list(props, "ratios")) {
            String[] xy = pair.split(":");
            if (xy.length != 2) {
                throw new ModelContractException("Model metadata 'ratios' entries must be rx:ry, was '" + pair + "'");
            }
            ratios.add(new double[] {positiveNumber("ratios", xy[0].trim()), positiveNumber("ratios", xy[1].trim())});
        }
        float[] mean = channels(props, "mean");
        float[] std = channels(props, "std");
        for (float s : std) {
            if (!(s > 0)) {
                throw new ModelContractException("Model metadata 'std' must be positive, was '" + props.get("std") + "'");
            }
        }
        return new ModelMetadata(props.get("model_name").trim(), props.get("model_version").trim(), classes,
                inputSize, levels, anchorScale, scales, ratios.toArray(double[][]::new), mean, std, settings(props),
                ModelDomain.parse(props, classes));
    }

    private static DetectorSettings settings(Map<String, String> props) {
        double score = number("score_threshold", props.get("score_threshold").trim());
        double nms = number("nms_iou_threshold", props.get("nms_iou_threshold").trim());
        int max = integer("max_detections", props.get("max_detections").trim());
        int flips = integer("test_time_flips", props.get("test_time_flips").trim());
        double voting = number("box_voting_iou", props.get("box_voting_iou").trim());
        double sigma = number("soft_nms_sigma", props.get("soft_nms_sigma").trim());
        try {
            return new DetectorSettings(score, nms, max, flips, voting, sigma);
        } catch (IllegalArgumentException e) {
            throw new ModelContractException("Model metadata holds impossible post-processing settings: "
                    + e.getMessage());
        }
    }

    ModelInfo info() {
        return new ModelInfo(name, version, classes, inputSize);
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    private static String[] list(Map<String, String> props, String key) {
        String[] values = Arrays.stream(props.get(key).split(",")).map(String::trim).toArray(String[]::new);
        if (values.length == 0 || Arrays.stream(values).anyMatch(String::isEmpty)) {
            throw new ModelContractException("Model metadata '" + key + "' must be a comma-separated list, was '"
                    + props.get(key) + "'");
        }
        return values;
    }

    static float[] channels(Map<String, String> props, String key) {
        String[] values = list(props, key);
        if (values.length != 3) {
            throw new ModelContractException("Model metadata '" + key + "' must have 3 values (R,G,B), was '"
                    + props.get(key) + "'");
        }
        float[] parsed = new float[3];
        for (int c = 0; c < 3; c++) {
            parsed[c] = (float) number(key, values[c]);
        }
        return parsed;
    }

    private static int positiveInt(Map<String, String> props, String key) {
        int value = integer(key, props.get(key).trim());
        if (value < 1) {
            throw new ModelContractException("Model metadata '" + key + "' must be positive, was " + value);
        }
        return value;
    }

    private static int integer(String key, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new ModelContractException("Model metadata '" + key + "' has a non-integer value '" + value + "'");
        }
    }

    static double positiveNumber(String key, String value) {
        double parsed = number(key, value);
        if (!(parsed > 0) || Double.isInfinite(parsed)) {
            throw new ModelContractException("Model metadata '" + key + "' must be positive, was '" + value + "'");
        }
        return parsed;
    }

    static double number(String key, String value) {
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new ModelContractException("Model metadata '" + key + "' has a non-numeric value '" + value + "'");
        }
    }
}
