package org.bloodcells.detection;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Model inputs in native memory, kept for reuse: an image is prepared straight into one and the model runs on it
 * where it is, and once the run is over the buffer goes back for the next image. Allocating (and zeroing) megabytes
 * per image would cost the CPU time and memory bandwidth the model runs need. Thread-safe.
 */
final class InputBuffers {

    /** Idle buffers kept at most: more than a worker's images in flight. */
    static final int KEPT = 32;

    private final ConcurrentLinkedDeque<FloatBuffer> idle = new ConcurrentLinkedDeque<>();
    private final AtomicInteger idleCount = new AtomicInteger();
    private final int largestKept;

    /** @param largestKept the most floats a buffer may hold and still be kept (larger ones are left to the GC) */
    InputBuffers(int largestKept) {
        this.largestKept = largestKept;
    }

    /** A buffer of at least {@code floats} floats, position 0 and limit {@code floats}; its contents are stale. */
    FloatBuffer take(int floats) {
        for (Iterator<FloatBuffer> it = idle.iterator(); it.hasNext();) {
            FloatBuffer buffer = it.next();
            if (buffer.capacity() >= floats && idle.removeFirstOccurrence(buffer)) {
                idleCount.decrementAndGet();
                buffer.clear();
                return buffer.limit(floats);
            }
        }
        return ByteBuffer.allocateDirect(Math.multiplyExact(floats, Float.BYTES)).order(ByteOrder.nativeOrder())
                .asFloatBuffer();
    }

    /** Gives a buffer from {@link #take} back; nothing may use it afterwards. */
    void release(FloatBuffer buffer) {
        if (buffer.capacity() <= largestKept && idleCount.incrementAndGet() <= KEPT) {
            idle.addFirst(buffer);
        } else if (buffer.capacity() <= largestKept) {
            idleCount.decrementAndGet();
        }
    }

    /** Buffers waiting to be reused. */
    int idle() {
        return idleCount.get();
    }
}
