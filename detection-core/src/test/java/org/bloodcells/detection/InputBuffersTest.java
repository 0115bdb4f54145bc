package org.bloodcells.detection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.FloatBuffer;

import org.junit.jupiter.api.Test;

class InputBuffersTest {

    private final InputBuffers buffers = new InputBuffers(3000);

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
    void theSmallestIdleBufferThatFitsIsTaken() {
        FloatBuffer large = buffers.take(2000);
        FloatBuffer small = buffers.take(500);
        buffers.release(large);
        buffers.release(small);
        assertSame(small, buffers.take(400), "a small image leaves the large buffer to a tiled one");
        assertSame(large, buffers.take(1500));
    }

    @Test
    void idleBuffersAreKeptWithinTheBudgetOnly() {
        FloatBuffer a = buffers.take(2000);
        FloatBuffer b = buffers.take(2000);
        buffers.release(a);
        buffers.release(b);
        assertEquals(1, buffers.idle(), "two of 2 000 floats exceed the budget of 3 000");
        assertSame(a, buffers.take(2000));
        assertNotSame(b, buffers.take(2000));
    }
}
