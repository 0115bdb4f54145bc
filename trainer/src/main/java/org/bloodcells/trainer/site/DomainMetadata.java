package org.bloodcells.trainer.site;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.bloodcells.detection.ModelDomain;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

/**
 * A model's optional domain metadata ({@link ModelDomain#KEYS}: physical scale, count thresholds, training
 * statistics) as the strings its ONNX file carries: a site fine-tune's export starts from its base's, so the
 * candidate keeps the base's physical scale ({@code input_microns_per_pixel}).
 */
public final class DomainMetadata {

    private DomainMetadata() {
    }

    public static Map<String, String> of(Path onnx) {
        Map<String, String> all = all(onnx);
        Map<String, String> domain = new LinkedHashMap<>();
        ModelDomain.KEYS.forEach(key -> {
            if (all.containsKey(key)) {
                domain.put(key, all.get(key));
            }
        });
        return domain;
    }

    /** The side the model's input is letterboxed to ({@code input_size}): a fine-tune is exported at its base's. */
    public static int inputSize(Path onnx) {
        String size = all(onnx).get("input_size");
        if (size == null) {
            throw new IllegalStateException(onnx + " names no input_size in its metadata");
        }
        return Integer.parseInt(size.trim());
    }

    private static Map<String, String> all(Path onnx) {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                OrtSession session = OrtEnvironment.getEnvironment().createSession(onnx.toString(), options)) {
            return session.getMetadata().getCustomMetadata();
        } catch (OrtException e) {
            throw new IllegalStateException("cannot read the metadata of " + onnx + ": " + e.getMessage(), e);
        }
    }

    /** {@code count_thresholds}' value: {@code CLASS:SCORE,...} in the order given. */
    public static String countThresholds(Map<String, Double> thresholds) {
        StringBuilder value = new StringBuilder();
        thresholds.forEach((c, t) -> value.append(value.isEmpty() ? "" : ",")
                .append(String.format(java.util.Locale.ROOT, "%s:%.3f", c, t)));
        return value.toString();
    }
}
