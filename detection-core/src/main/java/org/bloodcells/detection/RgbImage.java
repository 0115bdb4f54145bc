package org.bloodcells.detection;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;

/**
 * 8-bit RGB pixels, row-major, three bytes per pixel in R, G, B order; alpha is dropped without compositing.
 */
record RgbImage(int width, int height, byte[] pixels) {

    RgbImage {
        if (pixels.length != width * height * 3) {
            throw new IllegalArgumentException("Expected " + width * height * 3 + " bytes, got " + pixels.length);
        }
    }

    int red(int x, int y) {
        return pixels[(y * width + x) * 3] & 0xFF;
    }

    int green(int x, int y) {
        return pixels[(y * width + x) * 3 + 1] & 0xFF;
    }

    int blue(int x, int y) {
        return pixels[(y * width + x) * 3 + 2] & 0xFF;
    }

    static RgbImage of(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        byte[] rgb = new byte[w * h * 3];
        Raster raster = image.getRaster();
        ColorModel model = image.getColorModel();
        boolean wholeRaster = raster.getParent() == null && raster.getMinX() == 0 && raster.getMinY() == 0;
        if (wholeRaster && image.getType() == BufferedImage.TYPE_3BYTE_BGR
                && raster.getDataBuffer() instanceof DataBufferByte bytes && bytes.getNumBanks() == 1
                && bytes.getData().length == rgb.length) {
            byte[] bgr = bytes.getData();
            for (int i = 0; i < rgb.length; i += 3) {
                rgb[i] = bgr[i + 2];
                rgb[i + 1] = bgr[i + 1];
                rgb[i + 2] = bgr[i];
            }
        } else if (wholeRaster && (image.getType() == BufferedImage.TYPE_INT_RGB
                || image.getType() == BufferedImage.TYPE_INT_ARGB)
                && raster.getDataBuffer() instanceof DataBufferInt ints && ints.getData().length == w * h) {
            int[] packed = ints.getData();
            for (int p = 0, i = 0; p < packed.length; p++, i += 3) {
                rgb[i] = (byte) (packed[p] >> 16);
                rgb[i + 1] = (byte) (packed[p] >> 8);
                rgb[i + 2] = (byte) packed[p];
            }
        } else if (isGrey(model)) {
            // Grey goes to R = G = B = value, as PIL and OpenCV do. Java2D's own conversion (getRGB, drawImage)
            // treats the linear CS_GRAY space as darker than sRGB and would brighten every pixel.
            int shift = Math.max(0, model.getComponentSize(0) - 8);
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                raster.getSamples(0, y, w, 1, 0, row);
                for (int x = 0, i = y * w * 3; x < w; x++, i += 3) {
                    byte v = (byte) (row[x] >> shift);
                    rgb[i] = v;
                    rgb[i + 1] = v;
                    rgb[i + 2] = v;
                }
            }
        } else if (isCmyk(model) && raster.getNumBands() == 4) {
            // PIL's CMYK to RGB, (255 − C)(255 − K)/255, rather than Java2D's profile-based conversion, so that an
            // image converts as it would in the trainer's tools.
            int[] cmyk = new int[w * 4];
            for (int y = 0; y < h; y++) {
                raster.getPixels(0, y, w, 1, cmyk);
                for (int x = 0, i = y * w * 3; x < w; x++, i += 3) {
                    int white = 255 - cmyk[x * 4 + 3];
                    rgb[i] = (byte) Math.round((255 - cmyk[x * 4]) * white / 255f);
                    rgb[i + 1] = (byte) Math.round((255 - cmyk[x * 4 + 1]) * white / 255f);
                    rgb[i + 2] = (byte) Math.round((255 - cmyk[x * 4 + 2]) * white / 255f);
                }
            }
        } else {
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                image.getRGB(0, y, w, 1, row, 0, w);
                for (int x = 0, i = y * w * 3; x < w; x++, i += 3) {
                    rgb[i] = (byte) (row[x] >> 16);
                    rgb[i + 1] = (byte) (row[x] >> 8);
                    rgb[i + 2] = (byte) row[x];
                }
            }
        }
        return new RgbImage(w, h, rgb);
    }

    /** The pixels of a rectangle of this image, copied. */
    RgbImage crop(int x, int y, int w, int h) {
        if (x == 0 && y == 0 && w == width && h == height) {
            return this;
        }
        if (x < 0 || y < 0 || w < 1 || h < 1 || x + w > width || y + h > height) {
            throw new IllegalArgumentException("no " + w + "x" + h + " region at " + x + "," + y + " in a " + width
                    + "x" + height + " image");
        }
        byte[] out = new byte[w * h * 3];
        for (int row = 0; row < h; row++) {
            System.arraycopy(pixels, ((y + row) * width + x) * 3, out, row * w * 3, w * 3);
        }
        return new RgbImage(w, h, out);
    }

    /**
     * Every k×k block averaged into one pixel (a partial block at the right or bottom edge averages what it has): a
     * downscale without aliasing, before a bilinear resize that must not shrink by more than 2.
     */
    RgbImage shrink(int k) {
        if (k <= 1) {
            return this;
        }
        int w = (width + k - 1) / k;
        int h = (height + k - 1) / k;
        int[] sums = new int[w * h * 3];
        int[] counts = new int[w * h];
        for (int y = 0; y < height; y++) {
            int oy = y / k;
            for (int x = 0; x < width; x++) {
                int o = oy * w + x / k;
                int i = (y * width + x) * 3;
                sums[o * 3] += pixels[i] & 0xFF;
                sums[o * 3 + 1] += pixels[i + 1] & 0xFF;
                sums[o * 3 + 2] += pixels[i + 2] & 0xFF;
                counts[o]++;
            }
        }
        byte[] out = new byte[w * h * 3];
        for (int o = 0; o < counts.length; o++) {
            for (int c = 0; c < 3; c++) {
                out[o * 3 + c] = (byte) Math.round((float) sums[o * 3 + c] / counts[o]);
            }
        }
        return new RgbImage(w, h, out);
    }

    /** Mean R, G and B over the whole image, 0..255. */
    float[] meanColour() {
        long[] sums = new long[3];
        for (int i = 0; i < pixels.length; i += 3) {
            sums[0] += pixels[i] & 0xFF;
            sums[1] += pixels[i + 1] & 0xFF;
            sums[2] += pixels[i + 2] & 0xFF;
        }
        double n = (double) width * height;
        return new float[] {(float) (sums[0] / n), (float) (sums[1] / n), (float) (sums[2] / n)};
    }

    private static boolean isCmyk(ColorModel model) {
        return model.getColorSpace().getType() == ColorSpace.TYPE_CMYK && model.getNumComponents() == 4
                && model.getComponentSize(0) == 8;
    }

    private static boolean isGrey(ColorModel model) {
        return !(model instanceof IndexColorModel) && model instanceof ComponentColorModel
                && model.getColorSpace().getType() == ColorSpace.TYPE_GRAY;
    }
}
