package org.bloodcells.detection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class InputBuffersTest {

    private final InputBuffers buffers = new InputBuffers(1000);

    @Test
    void aBufferGivenBackIsTheNextOneTakenLimitedToWhatIsAsked() {
        FloatBuffer first = buffers.take(1000);
        assertTrue(first.isDirect(), "native memory, which ONNX Runtime reads without a copy");
        buffers.release(first);
        FloatBuffer again = buffers.take(600);
        assertSame(first, again);
        assertEquals(0, again.position());
        assertEquals(600, again.limit());
    }

    @Test
    void buffersLargerThanKeptOnesAreLeftToTheGarbageCollector() {
        FloatBuffer large = buffers.take(2000);
        buffers.release(large);
        assertEquals(0, buffers.idle());
        assertNotSame(large, buffers.take(2000));
    }

    @Test
    void atMostSoManyIdleBuffersAreKept() {
        List<FloatBuffer> taken = new ArrayList<>();
        for (int i = 0; i < InputBuffers.KEPT + 5; i++) {
            taken.add(buffers.take(10));
        }
        taken.forEach(buffers::release);
        assertEquals(InputBuffers.KEPT, buffers.idle());
    }
}
