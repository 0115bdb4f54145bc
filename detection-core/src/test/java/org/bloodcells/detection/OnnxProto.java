package org.bloodcells.detection;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Just enough of the protobuf wire format to write ONNX models (ModelProto, GraphProto, NodeProto,
 * TensorProto, ValueInfoProto) for tests: field numbers from onnx/onnx.proto.
 */
final class OnnxProto {

    static final int FLOAT = 1;
    static final int INT64 = 7;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    byte[] bytes() {
        return out.toByteArray();
    }

    OnnxProto varint(int field, long value) {
        tag(field, 0);
        raw(value);
        return this;
    }

    OnnxProto bytes(int field, byte[] value) {
        tag(field, 2);
        raw(value.length);
        out.writeBytes(value);
        return this;
    }

    OnnxProto string(int field, String value) {
        return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    OnnxProto message(int field, OnnxProto message) {
        return bytes(field, message.bytes());
    }

    private void tag(int field, int wireType) {
        raw(((long) field << 3) | wireType);
    }

    private void raw(long value) {
        while ((value & ~0x7FL) != 0) {
            out.write((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
    }

    // --- ONNX messages ---

    /**
     * A copy of an ONNX model with more {@code metadata_props} (ModelProto field 14): protobuf merges a repeated field
     * written after the message's end into the message, so the entries are appended to the file's bytes.
     */
    static java.nio.file.Path withMetadata(java.nio.file.Path model, java.util.Map<String, String> extra,
            java.nio.file.Path copy) throws java.io.IOException {
        OnnxProto more = new OnnxProto();
        extra.forEach((key, value) -> more.message(14, new OnnxProto().string(1, key).string(2, value)));
        byte[] original = java.nio.file.Files.readAllBytes(model);
        byte[] added = more.bytes();
        byte[] all = java.util.Arrays.copyOf(original, original.length + added.length);
        System.arraycopy(added, 0, all, original.length, added.length);
        return java.nio.file.Files.write(copy, all);
    }

    /** TensorProto with little-endian raw data. */
    static OnnxProto floatTensor(String name, long[] dims, float[] values) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(values);
        return tensor(name, dims, FLOAT, raw.array());
    }

    static OnnxProto longTensor(String name, long[] dims, long[] values) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        raw.asLongBuffer().put(values);
        return tensor(name, dims, INT64, raw.array());
    }

    private static OnnxProto tensor(String name, long[] dims, int type, byte[] raw) {
        OnnxProto t = new OnnxProto();
        for (long d : dims) {
            t.varint(1, d);
        }
        return t.varint(2, type).string(8, name).bytes(9, raw);
    }

    /** ValueInfoProto of a float tensor; a dimension of -1 becomes the symbolic dimension "d&lt;i&gt;". */
    static OnnxProto floatValueInfo(String name, long[] dims) {
        OnnxProto shape = new OnnxProto();
        for (int i = 0; i < dims.length; i++) {
            OnnxProto dim = new OnnxProto();
            if (dims[i] < 0) {
                dim.string(2, i == 0 ? "N" : "d" + i);
            } else {
                dim.varint(1, dims[i]);
            }
            shape.message(1, dim);
        }
        OnnxProto tensorType = new OnnxProto().varint(1, FLOAT).message(2, shape);
        return new OnnxProto().string(1, name).message(2, new OnnxProto().message(1, tensorType));
    }

    static OnnxProto node(String op, String[] inputs, String[] outputs, OnnxProto... attributes) {
        OnnxProto n = new OnnxProto();
        for (String i : inputs) {
            n.string(1, i);
        }
        for (String o : outputs) {
            n.string(2, o);
        }
        n.string(3, op + "_" + outputs[0]).string(4, op);
        for (OnnxProto a : attributes) {
            n.message(5, a);
        }
        return n;
    }

    /** AttributeProto of type INT. */
    static OnnxProto intAttribute(String name, long value) {
        return new OnnxProto().string(1, name).varint(3, value).varint(20, 2);
    }
}
