package org.bloodcells.detection;

import java.util.Arrays;
import java.util.Map;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.TensorInfo;

/**
 * A model's inputs and outputs, checked against {@code models/CONTRACT.md}: one float input {@code [N, 3, S, S]};
 * float outputs {@code scores [N, A, C]} and {@code boxes [N, A, 4]} with A the metadata's anchor count and C its
 * class count. N may be dynamic (−1) or 1; a fixed 1 makes batches run image by image.
 *
 * @param inputName the input's name as the session reports it
 * @param batchable whether the batch axis is dynamic
 */
record ModelSignature(String inputName, boolean batchable) {

    static final String SCORES = "scores";
    static final String BOXES = "boxes";

    static ModelSignature check(Map<String, NodeInfo> inputs, Map<String, NodeInfo> outputs, ModelMetadata metadata,
            int anchorCount) {
        int s = metadata.inputSize();
        if (inputs.size() != 1) {
            throw new ModelContractException("Model must have exactly one input [N,3," + s + "," + s + "], has "
                    + inputs.keySet());
        }
        NodeInfo input = inputs.values().iterator().next();
        long[] inputShape = floatTensorShape(input, "Input");
        if (inputShape.length != 4 || inputShape[1] != 3 || inputShape[2] != s || inputShape[3] != s) {
            throw new ModelContractException("Input '" + input.getName() + "' must be [N,3," + s + "," + s
                    + "] (metadata input_size " + s + "), is " + Arrays.toString(inputShape));
        }
        long batch = inputShape[0];
        if (batch != -1 && batch != 1) {
            throw new ModelContractException("Input '" + input.getName() + "' batch axis must be dynamic or 1, is "
                    + batch);
        }
        int classes = metadata.classes().size();
        long[] scores = floatTensorShape(output(outputs, SCORES), "Output");
        long[] boxes = floatTensorShape(output(outputs, BOXES), "Output");
        if (scores.length != 3 || boxes.length != 3) {
            throw new ModelContractException("Outputs must be 'scores' [N,A,C] and 'boxes' [N,A,4], are "
                    + Arrays.toString(scores) + " and " + Arrays.toString(boxes));
        }
        // Exporters often leave output axes symbolic (-1); those are checked on the first run instead.
        checkShapes(scores, boxes, -1, anchorCount, metadata);
        return new ModelSignature(input.getName(), batch == -1);
    }

    /**
     * Checks output shapes against the metadata; a -1 in a declared shape matches anything.
     *
     * @param n the batch size that was run, or -1 for declared shapes
     */
    static void checkShapes(long[] scores, long[] boxes, int n, int anchorCount, ModelMetadata metadata) {
        int classes = metadata.classes().size();
        if (scores.length != 3 || boxes.length != 3) {
            throw new ModelContractException("Outputs came back as 'scores' " + Arrays.toString(scores)
                    + " and 'boxes' " + Arrays.toString(boxes) + ", expected [N,A,C] and [N,A,4]");
        }
        if (differs(scores[2], classes)) {
            throw new ModelContractException("Output 'scores' has " + scores[2] + " classes but metadata 'classes' "
                    + "names " + classes + " " + metadata.classes());
        }
        if (differs(scores[1], anchorCount) || differs(boxes[1], anchorCount)) {
            throw new ModelContractException("Outputs have " + scores[1] + " and " + boxes[1] + " anchors but the "
                    + "metadata's anchor grid (input_size " + metadata.inputSize() + ", levels "
                    + Arrays.toString(metadata.levels()) + ", " + metadata.scales().length + " scales × "
                    + metadata.ratios().length + " ratios) has " + anchorCount);
        }
        if (differs(boxes[2], 4)) {
            throw new ModelContractException("Output 'boxes' has " + boxes[2] + " values per anchor, expected 4");
        }
        if (n > 0 && (scores[0] != n || boxes[0] != n || scores[1] < 0 || scores[2] < 0)) {
            throw new ModelContractException("Outputs came back as 'scores' " + Arrays.toString(scores)
                    + " and 'boxes' " + Arrays.toString(boxes) + " for a batch of " + n);
        }
    }

    private static boolean differs(long actual, long expected) {
        return actual != -1 && actual != expected;
    }

    private static NodeInfo output(Map<String, NodeInfo> outputs, String name) {
        NodeInfo info = outputs.get(name);
        if (info == null) {
            throw new ModelContractException("Model has no output '" + name + "' (outputs: " + outputs.keySet() + ")");
        }
        return info;
    }

    private static long[] floatTensorShape(NodeInfo node, String what) {
        if (!(node.getInfo() instanceof TensorInfo tensor) || tensor.type != OnnxJavaType.FLOAT) {
            throw new ModelContractException(what + " '" + node.getName() + "' must be a float32 tensor, is "
                    + node.getInfo());
        }
        return tensor.getShape();
    }
}
