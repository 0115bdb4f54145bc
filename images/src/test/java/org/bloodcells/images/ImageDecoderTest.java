package org.bloodcells.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import javax.imageio.ImageIO;

import org.bloodcells.images.UnusableImageException.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Ingest validates with {@code inspect} and the detection core reads with {@code decode}: every case runs through
 * both, so a file one accepts is a file the other reads, and one refuses what the other refuses, for the same reason.
 */
class ImageDecoderTest {

    private static final ImageLimits LIMITS = new ImageLimits(1_000_000, 1000, 800);

    /** The two ways in, reduced to what both return. */
    enum Entry {
        INSPECT {
            @Override
            ImageHeader read(byte[] bytes, ImageLimits limits) throws UnusableImageException {
                return ImageDecoder.inspect(bytes, limits);
            }
        },
        DECODE {
            @Override
            ImageHeader read(byte[] bytes, ImageLimits limits) throws UnusableImageException {
                BufferedImage image = ImageDecoder.decode(bytes, limits);
                return new ImageHeader(null, image.getWidth(), image.getHeight());
            }
        };

        abstract ImageHeader read(byte[] bytes, ImageLimits limits) throws UnusableImageException;
    }

    @ParameterizedTest
    @EnumSource(Entry.class)
    void jpegPngBmpAndTiffAreReadWithTheirSize(Entry entry) throws Exception {
        for (String format : new String[] {"jpeg", "png", "bmp", "tiff"}) {
            ImageHeader header = entry.read(encode(noise(40, 30), format), LIMITS);
            assertEquals(40, header.width(), format);
            assertEquals(30, header.height(), format);
        }
    }

    @ParameterizedTest
    @EnumSource(Entry.class)
    void textIsNotAnImage(Entry entry) {
        UnusableImageException e = refused(entry, "hello".getBytes(StandardCharsets.UTF_8), LIMITS);
        assertEquals(Reason.NOT_AN_IMAGE, e.reason());
        assertEquals("not an image in a known format (5 bytes starting 68656c6c6f); send JPEG, PNG, BMP or TIFF",
                e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(Entry.class)
    void noBytesAreNotAnImage(Entry entry) {
        assertEquals(Reason.NOT_AN_IMAGE, refused(entry, new byte[0], LIMITS).reason());
        assertEquals(Reason.NOT_AN_IMAGE, refused(entry, null, LIMITS).reason());
    }

    @ParameterizedTest
    @EnumSource(Entry.class)
    void gifIsAnUnsupportedFormat(Entry entry) {
        UnusableImageException e = refused(entry, encode(noise(8, 8), "gif"), LIMITS);
        assertEquals(Reason.UNSUPPORTED_FORMAT, e.reason());
        assertEquals("GIF images are not accepted; send JPEG, PNG, BMP or TIFF", e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(Entry.class)
    void aTruncatedJpegIsCorrupt(Entry entry) {
        byte[] jpeg = encode(noise(300, 200), "jpeg");
        assertEquals(Reason.CORRUPT, refused(entry, Arrays.copyOf(jpeg, jpeg.length / 2), LIMITS).reason());
        assertEquals(Reason.CORRUPT, refused(entry, Arrays.copyOf(jpeg, 20), LIMITS).reason());
    }

    @ParameterizedTest
    @EnumSource(Entry.class)
    void moreBytesThanTheLimitIsTooLarge(Entry entry) {
        UnusableImageException e = refused(entry, encode(noise(40, 30), "bmp"), new ImageLimits(1000, 1000, 1000));
        assertEquals(Reason.TOO_LARGE, e.reason());
        assertTrue(e.getMessage().endsWith("bytes exceed the limit of 1000 bytes"), e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(Entry.class)
    void widerOrTallerThanTheLimitHasTooManyPixels(Entry entry) {
        UnusableImageException wide = refused(entry, encode(noise(1001, 10), "png"), LIMITS);
        assertEquals(Reason.TOO_MANY_PIXELS, wide.reason());
        assertEquals("1001x10 pixels exceed the limit of 1000x800", wide.getMessage());
        assertEquals(Reason.TOO_MANY_PIXELS, refused(entry, encode(noise(10, 801), "png"), LIMITS).reason());
    }

    @Test
    void theFormatComesFromTheBytesNotFromWhatTheClientCallsThem() throws Exception {
        assertEquals(ImageFormat.PNG, ImageDecoder.inspect(encode(noise(4, 4), "png"), LIMITS).format());
        assertEquals(ImageFormat.TIFF, ImageDecoder.inspect(encode(noise(4, 4), "tiff"), LIMITS).format());
    }

    @Test
    void aLargeImageWithinTheLimitsIsInspected() throws Exception {
        // 5000 x 4000 would be 80 MB as a raster; inspection decodes every byte but subsamples the raster.
        byte[] png = encode(new BufferedImage(5000, 4000, BufferedImage.TYPE_INT_RGB), "png");
        ImageHeader header = ImageDecoder.inspect(png, new ImageLimits(100_000_000, 6000, 6000));
        assertEquals(new ImageHeader(ImageFormat.PNG, 5000, 4000), header);
    }

    @Test
    void decodingKeepsThePixels() throws Exception {
        BufferedImage original = noise(16, 8);
        BufferedImage decoded = ImageDecoder.decode(encode(original, "png"), LIMITS);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 16; x++) {
                assertEquals(original.getRGB(x, y), decoded.getRGB(x, y), x + "," + y);
            }
        }
    }

    @Test
    void theLimitsOfAServiceMayBeStricterThanThePlatformsNeverLooser() {
        ImageLimits strict = new ImageLimits(1000, 100, 100);
        assertEquals(strict, strict.requireWithin(ImageLimits.PLATFORM));
        IllegalArgumentException wide = assertThrows(IllegalArgumentException.class,
                () -> new ImageLimits(1000, 20_000, 100).requireWithin(ImageLimits.PLATFORM));
        assertEquals("at most 10000x10000 pixels per image, not 20000x100", wide.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new ImageLimits(ImageLimits.PLATFORM.maxBytes() + 1, 100, 100).requireWithin(ImageLimits.PLATFORM));
        assertThrows(IllegalArgumentException.class, () -> new ImageLimits(0, 100, 100));
    }

    private static UnusableImageException refused(Entry entry, byte[] bytes, ImageLimits limits) {
        return assertThrows(UnusableImageException.class, () -> entry.read(bytes, limits));
    }

    static BufferedImage noise(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(width * 31L + height);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, random.nextInt(0x1000000));
            }
        }
        return image;
    }

    static byte[] encode(BufferedImage image, String format) {
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
