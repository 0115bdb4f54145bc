package org.bloodcells.ingest.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import javax.imageio.ImageIO;

import org.bloodcells.ingest.service.ImageRejected.Reason;
import org.junit.jupiter.api.Test;

class ImageInspectorTest {

    private final ImageInspector inspector = new ImageInspector(1_000_000, 1000, 800);

    @Test
    void bccdJpegIsAcceptedAndNamedBySha256() {
        byte[] bytes = bccd("BloodImage_00007.jpg");

        InspectedImage image = inspector.inspect("a.jpg", bytes);

        assertEquals(ImageFormat.JPEG, image.format());
        assertEquals(640, image.width());
        assertEquals(480, image.height());
        // what `sha256sum BloodImage_00007.jpg` prints
        assertEquals("9bbeb1779f6c06d624ad5303749513a2d7567d6a142aa67306964c4122edb309", image.imageId());
    }

    @Test
    void formatComesFromTheBytesNotTheFileName() {
        InspectedImage image = inspector.inspect("looks-like.jpg", encode(rgb(40, 30), "png"));
        assertEquals(ImageFormat.PNG, image.format());
    }

    @Test
    void pngBmpAndTiffAreAccepted() {
        assertEquals(ImageFormat.PNG, inspector.inspect("x", encode(rgb(8, 8), "png")).format());
        assertEquals(ImageFormat.BMP, inspector.inspect("x", encode(rgb(8, 8), "bmp")).format());
        assertEquals(ImageFormat.TIFF, inspector.inspect("x", encode(rgb(8, 8), "tiff")).format());
    }

    @Test
    void textIsNotAnImage() {
        ImageRejected rejected = assertThrows(ImageRejected.class,
                () -> inspector.inspect("notes.txt", "hello".getBytes(StandardCharsets.UTF_8)));
        assertEquals(Reason.NOT_AN_IMAGE, rejected.reason());
        assertEquals("notes.txt", rejected.fileName());
    }

    @Test
    void emptyFileIsNotAnImage() {
        assertEquals(Reason.NOT_AN_IMAGE, assertThrows(ImageRejected.class,
                () -> inspector.inspect("empty.jpg", new byte[0])).reason());
    }

    @Test
    void gifIsAnUnsupportedFormat() {
        ImageRejected rejected = assertThrows(ImageRejected.class,
                () -> inspector.inspect("anim.gif", encode(rgb(8, 8), "gif")));
        assertEquals(Reason.UNSUPPORTED_FORMAT, rejected.reason());
        assertTrue(rejected.detail().contains("GIF"), rejected.detail());
    }

    @Test
    void truncatedJpegIsCorrupt() {
        byte[] bytes = bccd("BloodImage_00011.jpg");
        byte[] truncated = Arrays.copyOf(bytes, bytes.length / 2);

        ImageRejected rejected = assertThrows(ImageRejected.class, () -> inspector.inspect("cut.jpg", truncated));

        assertEquals(Reason.CORRUPT, rejected.reason());
    }

    @Test
    void moreBytesThanTheLimitIsTooLarge() {
        ImageInspector small = new ImageInspector(1000, 1000, 1000);
        ImageRejected rejected = assertThrows(ImageRejected.class,
                () -> small.inspect("big.jpg", bccd("BloodImage_00007.jpg")));
        assertEquals(Reason.TOO_LARGE, rejected.reason());
        assertTrue(rejected.detail().contains("1000 bytes"), rejected.detail());
    }

    @Test
    void widerThanTheLimitHasTooManyPixels() {
        ImageRejected rejected = assertThrows(ImageRejected.class,
                () -> inspector.inspect("wide.png", encode(rgb(1001, 10), "png")));
        assertEquals(Reason.TOO_MANY_PIXELS, rejected.reason());
        assertTrue(rejected.detail().contains("1001x10"), rejected.detail());
    }

    @Test
    void tallerThanTheLimitHasTooManyPixels() {
        assertEquals(Reason.TOO_MANY_PIXELS, assertThrows(ImageRejected.class,
                () -> inspector.inspect("tall.png", encode(rgb(10, 801), "png"))).reason());
    }

    @Test
    void largeImageWithinLimitsIsCheckedWithoutFullSizeRaster() {
        ImageInspector generous = new ImageInspector(100_000_000, 6000, 6000);
        InspectedImage image = generous.inspect("big.png", encode(rgb(5000, 4000), "png"));
        assertEquals(5000, image.width());
    }

    static byte[] bccd(String name) {
        try (InputStream in = ImageInspectorTest.class.getResourceAsStream("/bccd/" + name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static BufferedImage rgb(int width, int height) {
        return new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    }

    private static byte[] encode(BufferedImage image, String format) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no writer for " + format);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
