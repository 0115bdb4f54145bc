package org.bloodcells.images;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.FileImageInputStream;
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
        return endsWhereTheImageEnds(Source.of(bytes), read(Source.of(bytes), limits, ImageDecoder::subsampled));
    }

    /**
     * {@link #inspect(byte[], ImageLimits)} for a file, read from disk as the decoder goes: memory holds the decoder's
     * buffers and the small raster, never the file (ingest stages uploads on disk and inspects them there).
     */
    public static ImageHeader inspect(Path file, ImageLimits limits) throws UnusableImageException {
        return endsWhereTheImageEnds(Source.of(file), read(Source.of(file), limits, ImageDecoder::subsampled));
    }

    /**
     * Refuses bytes after the image's end: a JPEG must end with its EOI marker (zero padding allowed), a PNG with its
     * IEND chunk, a BMP where its header says. Decoders stop at the end and never look further, so a file joined to
     * an image (a ZIP, a script: a polyglot) would otherwise be stored and served as that image.
     */
    private static ImageHeader endsWhereTheImageEnds(Source source, ImageHeader header) throws UnusableImageException {
        try {
            long length = source.length();
            byte[] tail = source.tail(12);
            long trailing = switch (header.format()) {
                case JPEG -> jpegTrailing(source, length);
                case PNG -> Arrays.equals(tail, PNG_IEND) ? 0 : -1;
                case BMP -> {
                    byte[] head = source.head(6);
                    long declared = (head[2] & 0xFFL) | (head[3] & 0xFFL) << 8 | (head[4] & 0xFFL) << 16
                            | (head[5] & 0xFFL) << 24;
                    yield declared > 0 && length > declared ? length - declared : 0;
                }
                case TIFF -> 0;
            };
            if (trailing != 0) {
                throw new UnusableImageException(Reason.CORRUPT, (trailing > 0 ? trailing + " bytes follow" : "data follows")
                        + " the end of the " + header.format() + " image: another file joined to an image is not accepted");
            }
            return header;
        } catch (IOException e) {
            throw new UnusableImageException(Reason.CORRUPT, "the file cannot be read: " + e.getMessage(), e);
        }
    }

    /** The IEND chunk every PNG ends with: length 0, type, CRC. */
    private static final byte[] PNG_IEND = { 0, 0, 0, 0, 'I', 'E', 'N', 'D', (byte) 0xAE, 0x42, 0x60, (byte) 0x82 };

    /** 0 when the JPEG ends with its EOI marker (then only zero bytes), else -1. */
    private static long jpegTrailing(Source source, long length) throws IOException {
        byte[] tail = source.tail((int) Math.min(length, 4096));
        int end = tail.length;
        while (end > 0 && tail[end - 1] == 0) {
            end--;
        }
        return end >= 2 && (tail[end - 2] & 0xFF) == 0xFF && (tail[end - 1] & 0xFF) == 0xD9 ? 0 : -1;
    }

    /** The image's pixels, after the same checks as {@link #inspect}. */
    public static BufferedImage decode(byte[] bytes, ImageLimits limits) throws UnusableImageException {
        return read(Source.of(bytes), limits, (reader, header) -> reader.read(0));
    }

    private static ImageHeader subsampled(ImageReader reader, ImageHeader header) throws IOException {
        ImageReadParam param = reader.getDefaultReadParam();
        int longSide = Math.max(header.width(), header.height());
        int step = Math.max(1, (longSide + INSPECTION_RASTER_SIDE - 1) / INSPECTION_RASTER_SIDE);
        param.setSourceSubsampling(step, step, 0, 0);
        reader.read(0, param);
        return header;
    }

    /** Bytes in memory or a file on disk: its length, its first bytes (for messages) and a stream over it. */
    private interface Source {
        long length() throws IOException;

        byte[] prefix() throws IOException;

        /** The first {@code n} bytes (fewer when shorter). */
        byte[] head(int n) throws IOException;

        /** The last {@code n} bytes (fewer when shorter). */
        byte[] tail(int n) throws IOException;

        ImageInputStream open() throws IOException;

        static Source of(byte[] bytes) {
            return new Source() {
                public long length() {
                    return bytes == null ? 0 : bytes.length;
                }

                public byte[] prefix() {
                    return bytes;
                }

                public byte[] head(int n) {
                    return Arrays.copyOf(bytes, Math.min(n, bytes.length));
                }

                public byte[] tail(int n) {
                    return Arrays.copyOfRange(bytes, Math.max(0, bytes.length - n), bytes.length);
                }

                public ImageInputStream open() {
                    return new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes));
                }
            };
        }

        static Source of(Path file) {
            return new Source() {
                public long length() throws IOException {
                    return Files.size(file);
                }

                public byte[] prefix() throws IOException {
                    return head(8);
                }

                public byte[] head(int n) throws IOException {
                    try (InputStream in = Files.newInputStream(file)) {
                        return in.readNBytes(n);
                    }
                }

                public byte[] tail(int n) throws IOException {
                    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
                        long start = Math.max(0, raf.length() - n);
                        byte[] tail = new byte[(int) (raf.length() - start)];
                        raf.seek(start);
                        raf.readFully(tail);
                        return tail;
                    }
                }

                public ImageInputStream open() throws IOException {
                    return new FileImageInputStream(file.toFile());
                }
            };
        }
    }

    @FunctionalInterface
    private interface Decoding<T> {
        T decode(ImageReader reader, ImageHeader header) throws IOException;
    }

    private static <T> T read(Source source, ImageLimits limits, Decoding<T> decoding) throws UnusableImageException {
        long length;
        try {
            length = source.length();
        } catch (IOException e) {
            throw new UnusableImageException(Reason.CORRUPT, "the file cannot be read: " + e.getMessage(), e);
        }
        if (length == 0) {
            throw new UnusableImageException(Reason.NOT_AN_IMAGE, "the file is empty");
        }
        if (length > limits.maxBytes()) {
            throw new UnusableImageException(Reason.TOO_LARGE,
                    "%d bytes exceed the limit of %d bytes".formatted(length, limits.maxBytes()));
        }
        try (ImageInputStream input = source.open()) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(input);
            if (!readers.hasNext()) {
                throw new UnusableImageException(Reason.NOT_AN_IMAGE, "not an image in a known format (%d bytes "
                        .formatted(length) + "starting " + hexPrefix(source.prefix()) + "); send "
                        + ImageFormat.accepted());
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
                reader.addIIOReadWarningListener((ignored, warning) -> warnings.add(warning));
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
