package org.bloodcells.images;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.OptionalDouble;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;

import org.w3c.dom.NodeList;

/**
 * An image's physical scale where its file records one: TIFF resolution tags, PNG {@code pHYs}, JPEG JFIF density
 * (through Image I/O's standard metadata) or EXIF resolution in a JPEG without JFIF. Only a microscope's range
 * ({@value #MIN_MICRONS} to {@value #MAX_MICRONS} µm per pixel) is believed: most files carry a screen default such as
 * 72 or 300 dpi (353 or 85 µm per pixel), which says nothing about the slide.
 */
public final class FileScale {

    public static final double MIN_MICRONS = 0.01;
    public static final double MAX_MICRONS = 10;

    private FileScale() {
    }

    /** True for a scale a microscope image may have. */
    public static boolean plausible(double micronsPerPixel) {
        return micronsPerPixel >= MIN_MICRONS && micronsPerPixel <= MAX_MICRONS;
    }

    /** Microns per pixel (horizontal) as the file records it, if it does and the figure is plausible. */
    public static OptionalDouble micronsPerPixel(byte[] bytes) {
        OptionalDouble standard = fromStandardMetadata(bytes);
        if (standard.isPresent()) {
            return standard;
        }
        return fromExifOf(bytes);
    }

    /** {@link #micronsPerPixel(byte[])} of a file, reading its metadata (and at most its first 128 KiB) from disk. */
    public static OptionalDouble micronsPerPixel(Path file) {
        OptionalDouble standard = fromStandardMetadata(file.toFile());
        if (standard.isPresent()) {
            return standard;
        }
        try (InputStream in = Files.newInputStream(file)) {
            // An EXIF block is one APP1 segment (at most 64 KiB) near the start of the file.
            return fromExifOf(in.readNBytes(128 * 1024));
        } catch (IOException e) {
            return OptionalDouble.empty();
        }
    }

    private static OptionalDouble fromExifOf(byte[] bytes) {
        boolean jpeg = bytes.length > 3 && (bytes[0] & 0xFF) == 0xFF && (bytes[1] & 0xFF) == 0xD8;
        try {
            return jpeg ? fromExif(bytes) : OptionalDouble.empty();
        } catch (RuntimeException e) {
            return OptionalDouble.empty();   // a malformed EXIF block: the scale is simply not known from the file
        }
    }

    private static OptionalDouble fromStandardMetadata(byte[] bytes) {
        return fromStandardMetadata((Object) new ByteArrayInputStream(bytes));
    }

    /** @param input a byte stream or a {@link File}, as {@link ImageIO#createImageInputStream} takes them */
    private static OptionalDouble fromStandardMetadata(Object input) {
        try (ImageInputStream in = ImageIO.createImageInputStream(input)) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                return OptionalDouble.empty();
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, false);
                IIOMetadata metadata = reader.getImageMetadata(0);
                if (metadata == null || !metadata.isStandardMetadataFormatSupported()) {
                    return OptionalDouble.empty();
                }
                IIOMetadataNode root = (IIOMetadataNode) metadata.getAsTree("javax_imageio_1.0");
                NodeList sizes = root.getElementsByTagName("HorizontalPixelSize");
                if (sizes.getLength() == 0) {
                    return OptionalDouble.empty();
                }
                double millimetres = Double.parseDouble(((IIOMetadataNode) sizes.item(0)).getAttribute("value"));
                return believed(millimetres * 1000);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            return OptionalDouble.empty();   // no readable metadata: the scale is simply not in the file
        }
    }

    /** XResolution and ResolutionUnit of the first IFD of a JPEG's EXIF (APP1) segment. */
    static OptionalDouble fromExif(byte[] b) {
        int i = 2;
        while (i + 4 <= b.length && (b[i] & 0xFF) == 0xFF) {
            int marker = b[i + 1] & 0xFF;
            int length = (b[i + 2] & 0xFF) << 8 | b[i + 3] & 0xFF;
            if (marker == 0xDA || length < 2) {
                break;
            }
            int start = i + 4;
            if (marker == 0xE1 && start + 14 <= b.length && b[start] == 'E' && b[start + 1] == 'x'
                    && b[start + 2] == 'i' && b[start + 3] == 'f') {
                return exifResolution(b, start + 6, Math.min(b.length, i + 2 + length));
            }
            i += 2 + length;
        }
        return OptionalDouble.empty();
    }

    private static OptionalDouble exifResolution(byte[] b, int tiff, int end) {
        boolean little = b[tiff] == 'I';
        long ifdAt = tiff + read(b, tiff + 4, 4, little);   // offsets are unsigned 32-bit: kept in a long
        if (ifdAt < tiff || ifdAt + 2 > end) {
            return OptionalDouble.empty();
        }
        int ifd = (int) ifdAt;
        int entries = (int) read(b, ifd, 2, little);
        double resolution = Double.NaN;
        int unit = 2;   // EXIF's default: inches
        for (int e = 0; e < entries; e++) {
            int at = ifd + 2 + 12 * e;
            if (at + 12 > end) {
                break;
            }
            int tag = (int) read(b, at, 2, little);
            if (tag == 0x011A) {
                long valueAt = tiff + read(b, at + 8, 4, little);
                if (valueAt >= tiff && valueAt + 8 <= end) {
                    int value = (int) valueAt;
                    long denominator = read(b, value + 4, 4, little);
                    resolution = denominator == 0 ? Double.NaN : read(b, value, 4, little) / (double) denominator;
                }
            } else if (tag == 0x0128) {
                unit = (int) read(b, at + 8, 2, little);
            }
        }
        if (!(resolution > 0) || (unit != 2 && unit != 3)) {
            return OptionalDouble.empty();
        }
        double micronsPerUnit = unit == 2 ? 25_400 : 10_000;
        return believed(micronsPerUnit / resolution);
    }

    private static long read(byte[] b, int at, int n, boolean little) {
        long v = 0;
        for (int k = 0; k < n; k++) {
            int shift = little ? 8 * k : 8 * (n - 1 - k);
            v |= (long) (b[at + k] & 0xFF) << shift;
        }
        return v;
    }

    private static OptionalDouble believed(double micronsPerPixel) {
        return plausible(micronsPerPixel) ? OptionalDouble.of(micronsPerPixel) : OptionalDouble.empty();
    }
}
