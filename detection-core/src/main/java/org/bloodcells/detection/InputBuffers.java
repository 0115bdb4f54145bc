package org.bloodcells.detection;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Model inputs in native memory, kept for reuse: an image is prepared straight into one and the model runs on it
 * where it is, and once the run is over the buffer goes back for the next image. Allocating (and zeroing) megabytes
 * per image would cost the CPU time and memory bandwidth the model runs need. Idle buffers are kept up to a budget
 * of floats, the smallest that fits is taken. Thread-safe.
 */
final class InputBuffers {

    private final List<FloatBuffer> idle = new ArrayList<>();
    private final long budget;
    private long idleFloats;

    /** @param budget the most floats idle buffers may hold together (a buffer that would exceed it is dropped) */
    InputBuffers(long budget) {
        this.budget = budget;
    }

    /** A buffer of at least {@code floats} floats, position 0 and limit {@code floats}; its contents are stale. */
    FloatBuffer take(int floats) {
        synchronized (this) {
            int best = -1;
            for (int i = 0; i < idle.size(); i++) {
                int capacity = idle.get(i).capacity();
                if (capacity >= floats && (best < 0 || capacity < idle.get(best).capacity())) {
                    best = i;
                }
            }
            if (best >= 0) {
                FloatBuffer buffer = idle.remove(best);
                idleFloats -= buffer.capacity();
                return buffer.clear().limit(floats);
            }
        }
        return direct(floats);
    }

    /** A new buffer of {@code floats} floats in native memory, in the byte order ONNX Runtime reads without a copy. */
    static FloatBuffer direct(int floats) {
        return ByteBuffer.allocateDirect(Math.multiplyExact(floats, Float.BYTES)).order(ByteOrder.nativeOrder())
                .asFloatBuffer();
    }

    /** Gives a buffer from {@link #take} back; nothing may use it afterwards. */
    synchronized void release(FloatBuffer buffer) {
        if (idleFloats + buffer.capacity() <= budget) {
            idle.add(buffer);
            idleFloats += buffer.capacity();
        }
    }

    /** Lets every idle buffer go (to the garbage collector, which frees its native memory): the model is gone. */
    synchronized void clear() {
        idle.clear();
        idleFloats = 0;
    }

    /** Buffers waiting to be reused. */
    synchronized int idle() {
        return idle.size();
    }
}
