package org.bloodcells.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.Arrays;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;

class JpegEncoderTest {

    @Test
    void aSmearReEncodedAtAnotherQualityIsTheSameImageInOtherBytes() throws Exception {
        BufferedImage smear = ImageIO.read(new ByteArrayInputStream(BccdImages.bytes("BloodImage_00007")));
        byte[] best = JpegEncoder.encode(new IIOImage(smear, null, null), 0.95f);
        byte[] smaller = JpegEncoder.encode(new IIOImage(smear, null, null), 0.6f);

        assertTrue(smaller.length < best.length, smaller.length + " bytes at 0.6, " + best.length + " at 0.95");
        assertFalse(Arrays.equals(best, smaller));
        ImageHeader header = ImageDecoder.inspect(smaller, ImageLimits.PLATFORM);
        assertEquals(ImageFormat.JPEG, header.format());
        assertEquals(smear.getWidth(), header.width());
        assertEquals(smear.getHeight(), header.height());
    }

    @Test
    void aQualityOutsideZeroToOneIsRefused() {
        BufferedImage pixel = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        for (float quality : new float[] {-0.1f, 1.5f, Float.NaN}) {
            assertThrows(IllegalArgumentException.class,
                    () -> JpegEncoder.encode(new IIOImage(pixel, null, null), quality), "quality " + quality);
        }
    }
}
