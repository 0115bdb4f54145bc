package org.bloodcells.images;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
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

import org.bloodcells.images.UnusableImageException.Reason;

/**
 * The platform's one way to decide whether bytes are an image it can work on, and to decode them: ingest-service
 * validates uploads with {@link #inspect}, the detection core reads them with {@link #decode}. Both accept the same
 * {@link ImageFormat}s, check the same {@link ImageLimits} before decoding, and refuse a file whose decoder only
 * warns (a truncated JPEG is padded with grey and merely warned about: worthless for counting cells).
 */
public final class ImageDecoder {

    /**
     * {@link #inspect} decodes subsampled down to about this many pixels per side: every byte is still decoded, but
     * the raster stays small, so validating a large image cannot exhaust the heap.
     */
    private static final int INSPECTION_RASTER_SIDE = 1024;

    private ImageDecoder() {
    }

    /** Proves that the bytes decode cleanly as an accepted image within the limits, without a full-size raster. */
    public static ImageHeader inspect(byte[] bytes, ImageLimits limits) throws UnusableImageException {
        return read(bytes, limits, (reader, header) -> {
            ImageReadParam param = reader.getDefaultReadParam();
            int longSide = Math.max(header.width(), header.height());
            int step = Math.max(1, (longSide + INSPECTION_RASTER_SIDE - 1) / INSPECTION_RASTER_SIDE);
            param.setSourceSubsampling(step, step, 0, 0);
            reader.read(0, param);
            return header;
        });
    }

    /** The image's pixels, after the same checks as {@link #inspect}. */
    public static BufferedImage decode(byte[] bytes, ImageLimits limits) throws UnusableImageException {
        return read(bytes, limits, (reader, header) -> reader.read(0));
    }

    @FunctionalInterface
    private interface Decoding<T> {
        T decode(ImageReader reader, ImageHeader header) throws IOException;
    }

    private static <T> T read(byte[] bytes, ImageLimits limits, Decoding<T> decoding) throws UnusableImageException {
        if (bytes == null || bytes.length == 0) {
            throw new UnusableImageException(Reason.NOT_AN_IMAGE, "the file is empty");
        }
        if (bytes.length > limits.maxBytes()) {
            throw new UnusableImageException(Reason.TOO_LARGE,
                    "%d bytes exceed the limit of %d bytes".formatted(bytes.length, limits.maxBytes()));
        }
        try (ImageInputStream input = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(input);
            if (!readers.hasNext()) {
                throw new UnusableImageException(Reason.NOT_AN_IMAGE, "not an image in a known format (%d bytes "
                        .formatted(bytes.length) + "starting " + hexPrefix(bytes) + "); send " + ImageFormat.accepted());
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(input, true, true);
                String formatName = reader.getFormatName();
                ImageFormat format = ImageFormat.ofImageIoName(formatName).orElseThrow(
                        () -> new UnusableImageException(Reason.UNSUPPORTED_FORMAT, "%s images are not accepted; send %s"
                                .formatted(formatName.toUpperCase(Locale.ROOT), ImageFormat.accepted())));
                ImageHeader header = new ImageHeader(format, reader.getWidth(0), reader.getHeight(0));
                if (header.width() > limits.maxWidth() || header.height() > limits.maxHeight()) {
                    throw new UnusableImageException(Reason.TOO_MANY_PIXELS, "%dx%d pixels exceed the limit of %dx%d"
                            .formatted(header.width(), header.height(), limits.maxWidth(), limits.maxHeight()));
                }
                List<String> warnings = new ArrayList<>();
                reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
                T decoded = decoding.decode(reader, header);
                if (!warnings.isEmpty()) {
                    throw new UnusableImageException(Reason.CORRUPT, "the " + format + " image data is damaged: "
                            + String.join("; ", warnings));
                }
                if (header.width() < 1 || header.height() < 1) {
                    throw new UnusableImageException(Reason.CORRUPT, "the image has no pixels");
                }
                return decoded;
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            // Decoders signal corrupt data with IIOException and with a zoo of unchecked exceptions
            // (IndexOutOfBounds, IllegalArgument, NegativeArraySize); all mean the same to the caller.
            throw new UnusableImageException(Reason.CORRUPT, "the image data does not decode: " + e.getMessage(), e);
        }
    }

    private static String hexPrefix(byte[] bytes) {
        return HexFormat.of().formatHex(bytes, 0, Math.min(8, bytes.length));
    }
}
