package org.bloodcells.detection;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes small but real ONNX models that follow (or, on purpose, break) {@code models/CONTRACT.md}: whatever the
 * image, {@code scores} and {@code boxes} are constants chosen by the test, repeated for each image of the batch.
 * ONNX Runtime runs them like any other model: Shape → Slice → Concat → Expand.
 */
public final class SyntheticModel {

    public static final int INPUT_SIZE = 64;
    /** Anchors of the contract's grid for S = 64: levels 3..7 give 8², 4², 2², 1², 1² cells × 9. */
    public static final int ANCHORS = (64 + 16 + 4 + 1 + 1) * 9;

    private final Map<String, String> metadata = new LinkedHashMap<>();
    private int inputSize = INPUT_SIZE;
    private int outputClasses = 3;
    private String scoresName = "scores";
    private boolean declareOutputShapes = true;
    private float[] scores;
    private float[] boxes;

    public SyntheticModel() {
        metadata.put("model_name", "synthetic-detector");
        metadata.put("model_version", "0.1.0");
        metadata.put("classes", "RBC,WBC,Platelets");
        metadata.put("input_size", String.valueOf(INPUT_SIZE));
        metadata.put("levels", "3,4,5,6,7");
        metadata.put("anchor_scale", "4.0");
        metadata.put("scales", "1.0,1.2599210498948732,1.5874010519681994");
        metadata.put("ratios", "1.0:1.0,1.4:0.7,0.7:1.4");
        metadata.put("mean", "0.485,0.456,0.406");
        metadata.put("std", "0.229,0.224,0.225");
        settings(PLAIN);
    }

    /** One view, no voting, greedy NMS at 0.5, score above 0.3, at most 200: what a synthetic model runs with. */
    public static final DetectorSettings PLAIN = new DetectorSettings(0.3, 0.5, 200, 1, 0, 0);

    /** The post-processing settings the model carries (its metadata). */
    public SyntheticModel settings(DetectorSettings settings) {
        metadata.put("score_threshold", String.valueOf(settings.scoreThreshold()));
        metadata.put("nms_iou_threshold", String.valueOf(settings.nmsIouThreshold()));
        metadata.put("max_detections", String.valueOf(settings.maxDetections()));
        metadata.put("test_time_flips", String.valueOf(settings.testTimeFlips()));
        metadata.put("box_voting_iou", String.valueOf(settings.boxVotingIou()));
        metadata.put("soft_nms_sigma", String.valueOf(settings.softNmsSigma()));
        return this;
    }

    public SyntheticModel metadata(String key, String value) {
        if (value == null) {
            metadata.remove(key);
        } else {
            metadata.put(key, value);
        }
        return this;
    }

    /** The input's declared side, regardless of the metadata's {@code input_size}. */
    public SyntheticModel inputSize(int side) {
        this.inputSize = side;
        return this;
    }

    /** Columns of {@code scores}, regardless of the metadata's {@code classes}. */
    public SyntheticModel outputClasses(int classes) {
        this.outputClasses = classes;
        return this;
    }

    public SyntheticModel scoresOutputName(String name) {
        this.scoresName = name;
        return this;
    }

    /** Leave the outputs' anchor and class axes symbolic, as PyTorch's exporter does. */
    public SyntheticModel symbolicOutputShapes() {
        this.declareOutputShapes = false;
        return this;
    }

    /** Sets the score of one (anchor, class) pair; all others are 0. */
    public SyntheticModel score(int anchor, int cls, float value) {
        scores()[anchor * outputClasses + cls] = value;
        return this;
    }

    /** Sets one anchor's regression {@code (ty, tx, th, tw)}; all others are 0. */
    public SyntheticModel regression(int anchor, float ty, float tx, float th, float tw) {
        float[] b = boxes();
        b[anchor * 4] = ty;
        b[anchor * 4 + 1] = tx;
        b[anchor * 4 + 2] = th;
        b[anchor * 4 + 3] = tw;
        return this;
    }

    private float[] scores() {
        if (scores == null) {
            scores = new float[ANCHORS * outputClasses];
        }
        return scores;
    }

    private float[] boxes() {
        if (boxes == null) {
            boxes = new float[ANCHORS * 4];
        }
        return boxes;
    }

    public Path writeTo(Path file) {
        try {
            Files.write(file, toBytes());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    byte[] toBytes() {
        long a = ANCHORS;
        long c = outputClasses;
        OnnxProto graph = new OnnxProto()
                .message(1, OnnxProto.node("Shape", new String[] {"images"}, new String[] {"input_shape"}))
                .message(1, OnnxProto.node("Slice", new String[] {"input_shape", "zero", "one"},
                        new String[] {"batch"}))
                .message(1, OnnxProto.node("Concat", new String[] {"batch", "scores_tail"},
                        new String[] {"scores_shape"}, OnnxProto.intAttribute("axis", 0)))
                .message(1, OnnxProto.node("Concat", new String[] {"batch", "boxes_tail"},
                        new String[] {"boxes_shape"}, OnnxProto.intAttribute("axis", 0)))
                .message(1, OnnxProto.node("Expand", new String[] {"scores_one", "scores_shape"},
                        new String[] {scoresName}))
                .message(1, OnnxProto.node("Expand", new String[] {"boxes_one", "boxes_shape"},
                        new String[] {"boxes"}))
                .string(2, "synthetic")
                .message(5, OnnxProto.longTensor("zero", new long[] {1}, new long[] {0}))
                .message(5, OnnxProto.longTensor("one", new long[] {1}, new long[] {1}))
                .message(5, OnnxProto.longTensor("scores_tail", new long[] {2}, new long[] {a, c}))
                .message(5, OnnxProto.longTensor("boxes_tail", new long[] {2}, new long[] {a, 4}))
                .message(5, OnnxProto.floatTensor("scores_one", new long[] {1, a, c}, scores()))
                .message(5, OnnxProto.floatTensor("boxes_one", new long[] {1, a, 4}, boxes()))
                .message(11, OnnxProto.floatValueInfo("images", new long[] {-1, 3, inputSize, inputSize}))
                .message(12, OnnxProto.floatValueInfo(scoresName,
                        declareOutputShapes ? new long[] {-1, a, c} : new long[] {-1, -1, -1}))
                .message(12, OnnxProto.floatValueInfo("boxes",
                        declareOutputShapes ? new long[] {-1, a, 4} : new long[] {-1, -1, -1}));
        OnnxProto model = new OnnxProto()
                .varint(1, 7)
                .string(2, "detection-core tests")
                .message(7, graph)
                .message(8, new OnnxProto().string(1, "").varint(2, 13));
        metadata.forEach((k, v) -> model.message(14, new OnnxProto().string(1, k).string(2, v)));
        return model.bytes();
    }
}
