package org.bloodcells.ingest.service;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

import org.bloodcells.ingest.service.ImageRejected.Reason;

/**
 * Decides whether uploaded bytes are an image the platform can work on, and names it by the
 * SHA-256 of its bytes. Plain class: no container needed to test it.
 */
public class ImageInspector {

    /**
     * The full decode that proves the pixel data is intact is done subsampled down to about
     * this many pixels per side: every byte is still decoded, but the raster stays small,
     * so a large image cannot exhaust the heap during validation.
     */
    private static final int CHECK_RASTER_SIDE = 1024;

    private final long maxBytes;
    private final int maxWidth;
    private final int maxHeight;

    public ImageInspector(long maxBytes, int maxWidth, int maxHeight) {
        this.maxBytes = maxBytes;
        this.maxWidth = maxWidth;
        this.maxHeight = maxHeight;
    }

    /** @throws ImageRejected naming the file and the reason when the bytes are not an acceptable image */
    public InspectedImage inspect(String fileName, byte[] bytes) {
        if (bytes.length > maxBytes) {
            throw new ImageRejected(fileName, Reason.TOO_LARGE,
                    "%d bytes exceed the limit of %d bytes".formatted(bytes.length, maxBytes));
        }
        if (bytes.length == 0) {
            throw new ImageRejected(fileName, Reason.NOT_AN_IMAGE, "the file is empty");
        }
        try (ImageInputStream input = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(input);
            if (!readers.hasNext()) {
                throw new ImageRejected(fileName, Reason.NOT_AN_IMAGE,
                        "not a decodable image; send JPEG, PNG, BMP or TIFF");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(input, true, true);
                String formatName = reader.getFormatName();
                ImageFormat format = ImageFormat.ofImageIoName(formatName)
                        .orElseThrow(() -> new ImageRejected(fileName, Reason.UNSUPPORTED_FORMAT,
                                "%s images are not accepted; send JPEG, PNG, BMP or TIFF"
                                        .formatted(formatName.toUpperCase(Locale.ROOT))));
                int width = reader.getWidth(0);
                int height = reader.getHeight(0);
                if (width > maxWidth || height > maxHeight) {
                    throw new ImageRejected(fileName, Reason.TOO_MANY_PIXELS,
                            "%dx%d pixels exceed the limit of %dx%d".formatted(width, height, maxWidth, maxHeight));
                }
                decodeFully(fileName, reader, width, height);
                return new InspectedImage(fileName, sha256Hex(bytes), format, width, height, bytes);
            } finally {
                reader.dispose();
            }
        } catch (ImageRejected rejected) {
            throw rejected;
        } catch (IOException | RuntimeException e) {
            // Decoders throw a zoo of unchecked exceptions on hostile input; all of them mean "corrupt".
            throw new ImageRejected(fileName, Reason.CORRUPT, "the image data does not decode: " + e.getMessage());
        }
    }

    private static void decodeFully(String fileName, ImageReader reader, int width, int height) throws IOException {
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        ImageReadParam param = reader.getDefaultReadParam();
        int step = Math.max(1, (Math.max(width, height) + CHECK_RASTER_SIDE - 1) / CHECK_RASTER_SIDE);
        param.setSourceSubsampling(step, step, 0, 0);
        reader.read(0, param);
        // A truncated JPEG "decodes" with a warning and grey filler: worthless for counting cells.
        if (!warnings.isEmpty()) {
            throw new ImageRejected(fileName, Reason.CORRUPT, "the image data is damaged: " + String.join("; ", warnings));
        }
    }

    /** Lower-case hex SHA-256: the image id, equal for equal bytes whoever uploads them. */
    public static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
