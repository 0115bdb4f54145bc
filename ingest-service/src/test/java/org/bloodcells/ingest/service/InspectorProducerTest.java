package org.bloodcells.ingest.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

import javax.imageio.ImageIO;

import org.bloodcells.images.ImageLimits;
import org.bloodcells.ingest.support.Staged;
import org.bloodcells.images.UnusableImageException.Reason;
import org.bloodcells.ingest.config.IngestConfig;
import org.junit.jupiter.api.Test;

import io.quarkus.runtime.configuration.MemorySize;

/** Ingest's limits are the platform's unless configured stricter; configured looser, the service does not start. */
class InspectorProducerTest {

    private static ImageInspector produced(Optional<Integer> maxWidth) {
        IngestConfig.Upload upload = new IngestConfig.Upload() {
            @Override
            public Optional<MemorySize> maxImageSize() {
                return Optional.empty();
            }

            @Override
            public Optional<Integer> maxWidth() {
                return maxWidth;
            }

            @Override
            public Optional<Integer> maxHeight() {
                return Optional.empty();
            }

            @Override
            public java.util.Map<String, Double> scannerMicronsPerPixel() {
                return java.util.Map.of();
            }

            @Override
            public Duration publishTimeout() {
                return Duration.ofSeconds(15);
            }

            @Override
            public int maxFiles() {
                return 100;
            }

            @Override
            public Optional<java.nio.file.Path> stagingDirectory() {
                return Optional.empty();
            }
        };
        return new InspectorProducer().imageInspector(new IngestConfig() {
            @Override
            public Upload upload() {
                return upload;
            }

            @Override
            public Bucket bucket() {
                throw new UnsupportedOperationException("not read by the inspector");
            }
        });
    }

    private static byte[] png(int width) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(width, 1, BufferedImage.TYPE_BYTE_GRAY), "png", out);
        return out.toByteArray();
    }

    @Test
    void unsetLimitsAreThePlatformsWhichDetectWorkersDecode() throws IOException {
        ImageInspector inspector = produced(Optional.empty());
        int widest = ImageLimits.PLATFORM.maxWidth();
        assertEquals(widest, Staged.inspect(inspector, "edge.png", png(widest)).width());
        assertEquals(Reason.TOO_MANY_PIXELS,
                assertThrows(ImageRejected.class, () -> Staged.inspect(inspector, "wide.png", png(widest + 1))).reason());
    }

    @Test
    void aStricterLimitApplies() throws IOException {
        ImageInspector inspector = produced(Optional.of(500));
        assertEquals(Reason.TOO_MANY_PIXELS,
                assertThrows(ImageRejected.class, () -> Staged.inspect(inspector, "wide.png", png(501))).reason());
    }

    @Test
    void aLooserLimitStopsTheServiceAtStart() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> produced(Optional.of(20_000)));
        assertEquals("bloodcells.upload limits must stay within the platform's: at most 10000x10000 pixels per "
                + "image, not 20000x10000", e.getMessage());
    }
}
