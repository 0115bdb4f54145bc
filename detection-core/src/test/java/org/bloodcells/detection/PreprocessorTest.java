package org.bloodcells.detection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;

class PreprocessorTest {

    static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    static final float[] STD = {0.229f, 0.224f, 0.225f};

    static float normalised(double value, int channel) {
        return (float) ((value / 255 - MEAN[channel]) / STD[channel]);
    }

    /** A one-row image whose red channel holds the given values; green and blue are 0. */
    static RgbImage redRow(int... values) {
        byte[] px = new byte[values.length * 3];
        for (int x = 0; x < values.length; x++) {
            px[x * 3] = (byte) values[x];
        }
        return new RgbImage(values.length, 1, px);
    }

    @Test
    void letterboxScalesTheLongerSideToTheInputSize() {
        assertEquals(new Letterbox(640, 480, 0.8, 512, 384), Letterbox.of(640, 480, 512));
        assertEquals(new Letterbox(480, 640, 0.8, 384, 512), Letterbox.of(480, 640, 512));
        assertEquals(new Letterbox(100, 75, 5.12, 512, 384), Letterbox.of(100, 75, 512));
    }

    @Test
    void letterboxRoundsHalvesToEvenLikePython() {
        // 5 · (512/1024) = 2.5: Python's round() gives 2, Math.round would give 3.
        assertEquals(2, Letterbox.of(1024, 5, 512).resizedHeight());
        assertEquals(4, Letterbox.of(1024, 7, 512).resizedHeight()); // 3.5 → 4
    }

    @Test
    void upscalingInterpolatesBetweenHalfPixelCentres() {
        // 2×1 → S = 4: scale 2, resized to 4×2. Source x = (i + 0.5)·0.5 − 0.5 = −0.25 (clamped to 0), 0.25, 0.75,
        // 1.25 (clamped to the last pixel): red 0 and 200 give 0, 0.75·0 + 0.25·200 = 50, 150, 200.
        Preprocessor pre = new Preprocessor(4, MEAN, STD);
        float[] t = pre.toTensor(redRow(0, 200));
        float[] expected = {normalised(0, 0), normalised(50, 0), normalised(150, 0), normalised(200, 0)};
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 4; x++) {
                assertEquals(expected[x], t[y * 4 + x], 1e-6f, "red at " + x + "," + y);
                assertEquals(normalised(0, 1), t[16 + y * 4 + x], 1e-6f, "green");
                assertEquals(normalised(0, 2), t[32 + y * 4 + x], 1e-6f, "blue");
            }
        }
        for (int c = 0; c < 3; c++) {
            for (int i = 8; i < 16; i++) {
                assertEquals(0f, t[c * 16 + i], "rows 2 and 3 are padding");
            }
        }
    }

    @Test
    void downscalingReadsTwoNeighboursWithoutAntialiasing() {
        // 8×1 → S = 2: scale 0.25, resized to 2×0 → height rounds to 0 and is kept at 1 pixel.
        // Source x = (i + 0.5)·4 − 0.5 = 1.5 and 5.5: the means of pixels 1,2 and 5,6; pixels 0, 3, 4, 7 are
        // not read at all (PIL's antialiasing BILINEAR would weigh them in).
        Preprocessor pre = new Preprocessor(2, MEAN, STD);
        float[] t = pre.toTensor(redRow(0, 10, 20, 30, 40, 50, 60, 70));
        assertEquals(normalised(15, 0), t[0], 1e-6f);
        assertEquals(normalised(55, 0), t[1], 1e-6f);
        assertEquals(0f, t[2], "second row is padding");
    }

    @Test
    void channelsAreRgbAndNormalisedWithTheModelsMeanAndStd() {
        byte[] px = {(byte) 255, (byte) 128, 0};
        Preprocessor pre = new Preprocessor(1, MEAN, STD);
        float[] t = pre.toTensor(new RgbImage(1, 1, px));
        assertEquals((1 - 0.485f) / 0.229f, t[0], 1e-6f);
        assertEquals((128 / 255f - 0.456f) / 0.224f, t[1], 1e-6f);
        assertEquals(-0.406f / 0.225f, t[2], 1e-6f);
    }

    @Test
    void writesEachImageOfABatchInItsOwnSlot() {
        Preprocessor pre = new Preprocessor(2, MEAN, STD);
        FloatBuffer batch = FloatBuffer.allocate(2 * pre.tensorLength());
        pre.write(redRow(0, 0), batch);
        Letterbox second = pre.write(redRow(255, 255), batch);
        assertEquals(2 * pre.tensorLength(), batch.position());
        assertEquals(new Letterbox(2, 1, 1.0, 2, 1), second);
        assertEquals(normalised(0, 0), batch.get(0), 1e-6f);
        assertEquals(normalised(255, 0), batch.get(pre.tensorLength()), 1e-6f);
    }

    @Test
    void writesEveryViewMirroredWithinTheImageStraightIntoAReusedNativeBuffer() {
        Preprocessor pre = new Preprocessor(8, MEAN, STD);
        byte[] px = new byte[7 * 5 * 3];
        new java.util.Random(7).nextBytes(px);
        RgbImage image = new RgbImage(7, 5, px);
        Letterbox box = pre.letterbox(image);
        int length = pre.tensorLength();
        FloatBuffer target = java.nio.ByteBuffer.allocateDirect((3 + 4 * length) * Float.BYTES)
                .order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer();
        for (int i = 0; i < target.capacity(); i++) {
            target.put(i, Float.NaN);    // what an earlier image left there
        }
        pre.write(image, box, List.of(Flip.values()), target, 3);

        assertTrue(Float.isNaN(target.get(2)), "nothing before the given index is written");
        float[] first = new float[length];
        target.get(3, first);
        assertArrayEquals(pre.toTensor(image), first, "the first view as the single-view writer makes it");
        for (Flip view : Flip.values()) {
            float[] written = new float[length];
            target.get(3 + view.ordinal() * length, written);
            assertArrayEquals(view.apply(first, 8, box.resizedWidth(), box.resizedHeight()), written, view.name());
        }
    }

    /**
     * The trainer's {@code efficientdet/parity.py} letterboxed these PNGs with PyTorch ({@code F.interpolate},
     * bilinear, align_corners=False) and wrote sampled tensor values; the Java pre-processor must agree.
     */
    @Test
    void matchesPyTorchOnTheTrainersParityImages() throws IOException {
        Preprocessor pre = new Preprocessor(512, MEAN, STD);
        for (String name : List.of("parity-100x75", "parity-660x495")) {
            RgbImage image;
            try (InputStream png = getClass().getResourceAsStream("/parity/" + name + ".png")) {
                image = RgbImage.of(ImageIO.read(png));
            }
            float[] tensor = pre.toTensor(image);
            List<String> samples;
            try (InputStream in = getClass().getResourceAsStream("/parity/" + name + ".samples.txt")) {
                samples = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                        .filter(l -> !l.startsWith("#")).toList();
            }
            assertTrue(samples.size() >= 400);
            double worst = 0;
            for (String line : samples) {
                String[] f = line.split(" ");
                int c = Integer.parseInt(f[0]);
                int y = Integer.parseInt(f[1]);
                int x = Integer.parseInt(f[2]);
                float expected = Float.parseFloat(f[3]);
                worst = Math.max(worst, Math.abs(expected - tensor[(c * 512 + y) * 512 + x]));
            }
            assertTrue(worst < 1e-5, name + ": largest difference from PyTorch " + worst);
        }
    }
}
