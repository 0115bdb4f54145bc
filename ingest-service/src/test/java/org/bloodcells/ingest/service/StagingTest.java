package org.bloodcells.ingest.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import org.bloodcells.events.ImageId;
import org.bloodcells.images.UnusableImageException.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Staging writes and digests an upload in one pass and stops reading the moment it passes the limit. */
class StagingTest {

    @TempDir
    Path directory;

    @Test
    void aStagedFileHoldsTheBytesAndTheirSha256() throws IOException {
        byte[] bytes = new byte[300_000];
        new Random(7).nextBytes(bytes);

        StagedFile staged = new Staging(directory, 1_000_000).stage("a.jpg", new ByteArrayInputStream(bytes));

        assertArrayEquals(bytes, Files.readAllBytes(staged.path()));
        assertEquals(bytes.length, staged.size());
        assertEquals(ImageId.of(bytes), staged.imageId());
        assertEquals("a.jpg", staged.fileName());
    }

    @Test
    void anEndlessStreamIsRefusedJustPastTheLimitAndLeavesNoFile() throws IOException {
        CountingEndlessStream endless = new CountingEndlessStream();

        ImageRejected rejected = assertThrows(ImageRejected.class,
                () -> new Staging(directory, 1_000_000).stage("bomb.jpg", endless));

        assertEquals(Reason.TOO_LARGE, rejected.reason());
        assertTrue(endless.read <= 1_000_000 + 64 * 1024, "read " + endless.read + " bytes of an endless stream");
        try (var left = Files.list(directory)) {
            assertEquals(0, left.count(), "the partial file is deleted");
        }
    }

    @Test
    void anAdoptedFileIsMeasuredBeforeItIsRead() throws IOException {
        Path part = Files.write(directory.resolve("part"), new byte[2000]);
        Staging staging = new Staging(directory, 1000);

        assertEquals(Reason.TOO_LARGE, assertThrows(ImageRejected.class, () -> staging.adopt("p.jpg", part)).reason());
        assertEquals(ImageId.of(new byte[2000]), new Staging(directory, 5000).adopt("p.jpg", part).imageId());
    }

    /** Zeros forever, counting what was read. */
    private static final class CountingEndlessStream extends InputStream {
        long read;

        @Override
        public int read() {
            read++;
            return 0;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            read += len;
            return len;
        }
    }
}
