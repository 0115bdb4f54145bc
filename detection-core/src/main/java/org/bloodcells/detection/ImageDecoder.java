package org.bloodcells.detection;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes image bytes with ImageIO (JPEG, PNG, BMP, GIF and whatever else is installed); {@link CellDetector}
 * turns grey, indexed and CMYK images into RGB. A file whose decoder warns (a truncated JPEG is padded with grey
 * and only warned about) is refused rather than detected on.
 */
public final class ImageDecoder {

    /** Refuse images whose decoded pixels alone would need more than ~300 MB, before decoding them. */
    static final long MAX_PIXELS = 100_000_000L;

    private ImageDecoder() {
    }

    public static BufferedImage decode(byte[] bytes) throws UndecodableImageException {
        if (bytes == null || bytes.length == 0) {
            throw new UndecodableImageException("No image bytes");
        }
        try (ImageInputStream input = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(input);
            if (!readers.hasNext()) {
                throw new UndecodableImageException("Not a known image format (" + bytes.length + " bytes starting "
                        + hexPrefix(bytes) + ")");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(input, true, true);
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                if (pixels > MAX_PIXELS) {
                    throw new UndecodableImageException("Image too large: " + reader.getWidth(0) + "x"
                            + reader.getHeight(0) + " pixels");
                }
                List<String> warnings = new ArrayList<>();
                reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
                BufferedImage image = reader.read(0);
                if (!warnings.isEmpty()) {
                    throw new UndecodableImageException("Damaged " + reader.getFormatName() + " image: "
                            + String.join("; ", warnings));
                }
                if (image.getWidth() < 1 || image.getHeight() < 1) {
                    throw new UndecodableImageException("Image has no pixels");
                }
                return image;
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            // Decoders signal corrupt data with IIOException and also with unchecked exceptions
            // (IndexOutOfBounds, IllegalArgument, NegativeArraySize); all mean the same to the caller.
            throw new UndecodableImageException("Cannot decode image: " + e, e);
        }
    }

    private static String hexPrefix(byte[] bytes) {
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < Math.min(8, bytes.length); i++) {
            hex.append(String.format("%02x", bytes[i]));
        }
        return hex.toString();
    }
}
