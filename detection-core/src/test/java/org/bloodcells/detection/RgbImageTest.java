package org.bloodcells.detection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;

import org.bloodcells.images.BccdImages;
import org.bloodcells.images.ImageDecoder;
import org.bloodcells.images.ImageLimits;
import org.bloodcells.images.JpegEncoder;
import org.bloodcells.images.UnusableImageException;
import org.junit.jupiter.api.Test;

/** Every kind of image the platform's decoder returns, turned into plain 8-bit RGB. */
class RgbImageTest {

    static byte[] encode(BufferedImage image, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(image, format, out), "no writer for " + format);
        return out.toByteArray();
    }

    static BufferedImage decode(byte[] bytes) throws UnusableImageException {
        return ImageDecoder.decode(bytes, ImageLimits.PLATFORM);
    }

    static BufferedImage colourSquares() {
        BufferedImage image = new BufferedImage(16, 8, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 16; x++) {
                image.setRGB(x, y, x < 8 ? 0xC83214 : 0x1464C8); // (200,50,20) left, (20,100,200) right
            }
        }
        return image;
    }

    @Test
    void decodesPngAndBmpExactly() throws Exception {
        for (String format : new String[] {"png", "bmp"}) {
            RgbImage rgb = RgbImage.of(decode(encode(colourSquares(), format)));
            assertEquals(16, rgb.width());
            assertEquals(8, rgb.height());
            assertArrayEquals(new int[] {200, 50, 20}, new int[] {rgb.red(2, 3), rgb.green(2, 3), rgb.blue(2, 3)});
            assertArrayEquals(new int[] {20, 100, 200},
                    new int[] {rgb.red(12, 3), rgb.green(12, 3), rgb.blue(12, 3)});
        }
    }

    @Test
    void decodesJpegInRgbOrder() throws Exception {
        RgbImage rgb = RgbImage.of(decode(encode(colourSquares(), "jpg")));
        // JPEG is lossy: within a few levels, but red must be in the red channel.
        assertEquals(200, rgb.red(2, 3), 12);
        assertEquals(50, rgb.green(2, 3), 12);
        assertEquals(200, rgb.blue(13, 3), 12);
    }

    @Test
    void decodesABccdImage() throws Exception {
        RgbImage rgb = RgbImage.of(decode(BccdImages.bytes("BloodImage_00031")));
        assertEquals(640, rgb.width());
        assertEquals(480, rgb.height());
    }

    @Test
    void greyKeepsItsValuesInAllThreeChannels() throws Exception {
        BufferedImage grey = new BufferedImage(4, 1, BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setPixels(0, 0, 4, 1, new int[] {0, 60, 128, 255});
        RgbImage rgb = RgbImage.of(decode(encode(grey, "png")));
        // Java2D's own grey → sRGB conversion would turn 60 into about 136; PIL and OpenCV keep 60.
        for (int x = 0; x < 4; x++) {
            int v = grey.getRaster().getSample(x, 0, 0);
            assertArrayEquals(new int[] {v, v, v}, new int[] {rgb.red(x, 0), rgb.green(x, 0), rgb.blue(x, 0)});
        }
    }

    @Test
    void sixteenBitGreyIsScaledToEightBits() {
        BufferedImage grey = new BufferedImage(2, 1, BufferedImage.TYPE_USHORT_GRAY);
        grey.getRaster().setPixels(0, 0, 2, 1, new int[] {0x3C00, 0xFFFF});
        RgbImage rgb = RgbImage.of(grey);
        assertEquals(0x3C, rgb.green(0, 0));
        assertEquals(0xFF, rgb.blue(1, 0));
    }

    @Test
    void indexedAndAlphaImagesBecomeRgb() throws Exception {
        BufferedImage indexed = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_INDEXED);
        indexed.setRGB(0, 0, Color.RED.getRGB());
        indexed.setRGB(1, 0, Color.BLUE.getRGB());
        RgbImage rgb = RgbImage.of(decode(encode(indexed, "png")));
        assertEquals(255, rgb.red(0, 0));
        assertEquals(255, rgb.blue(1, 0));

        BufferedImage translucent = new BufferedImage(1, 1, BufferedImage.TYPE_INT_ARGB);
        translucent.setRGB(0, 0, 0x40_10_20_30);
        RgbImage dropped = RgbImage.of(decode(encode(translucent, "png")));
        assertArrayEquals(new int[] {0x10, 0x20, 0x30},
                new int[] {dropped.red(0, 0), dropped.green(0, 0), dropped.blue(0, 0)}, "alpha dropped, not blended");
    }

    @Test
    void cmykJpegBecomesRgb() throws Exception {
        // A 4-channel JPEG as the JDK writes it; the JDK reads its samples back as ink amounts 255 − stored.
        WritableRaster raster = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, 16, 16, 4, null);
        int[] stored = {200, 50, 10, 30};
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                raster.setPixel(x, y, stored);
            }
        }
        byte[] jpeg = JpegEncoder.encode(new IIOImage(raster, null, null), 1f);
        BufferedImage decoded = decode(jpeg);
        int[] ink = decoded.getRaster().getPixel(8, 8, (int[]) null);
        RgbImage rgb = RgbImage.of(decoded);
        // PIL's rule: R = (255 − C)(255 − K)/255 on the ink amounts.
        int white = 255 - ink[3];
        int[] expected = {Math.round((255 - ink[0]) * white / 255f), Math.round((255 - ink[1]) * white / 255f),
                Math.round((255 - ink[2]) * white / 255f)};
        assertArrayEquals(expected, new int[] {rgb.red(8, 8), rgb.green(8, 8), rgb.blue(8, 8)},
                "ink " + Arrays.toString(ink));
        assertEquals(16, rgb.width());
    }

    @Test
    void readsTheRgbOfSubImagesToo() {
        BufferedImage big = colourSquares();
        RgbImage part = RgbImage.of(big.getSubimage(6, 2, 4, 2));
        assertEquals(4, part.width());
        assertEquals(200, part.red(1, 0));
        assertEquals(20, part.red(2, 0));
    }
}
