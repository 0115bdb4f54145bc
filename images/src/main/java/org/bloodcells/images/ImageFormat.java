package org.bloodcells.images;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The image formats the platform accepts: the ones a scanner writes and ImageIO decodes without plug-ins. Ingest
 * refuses any other, and the detection core reads no other, so what one accepts the other can read.
 */
public enum ImageFormat {
    JPEG("image/jpeg", "jpg", "jpeg", "jpg"),
    PNG("image/png", "png", "png"),
    BMP("image/bmp", "bmp", "bmp"),
    TIFF("image/tiff", "tif", "tif", "tiff");

    private final String mediaType;
    private final String extension;
    private final String[] imageIoNames;

    ImageFormat(String mediaType, String extension, String... imageIoNames) {
        this.mediaType = mediaType;
        this.extension = extension;
        this.imageIoNames = imageIoNames;
    }

    public String mediaType() {
        return mediaType;
    }

    /** File name extension of the stored object. */
    public String extension() {
        return extension;
    }

    /** For people: {@code JPEG, PNG, BMP or TIFF}. */
    public static String accepted() {
        List<String> names = Arrays.stream(values()).map(Enum::name).toList();
        return String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1);
    }

    /** The format for an ImageIO reader's format name ({@code JPEG}, {@code png}, {@code tif}, ...), if accepted. */
    public static Optional<ImageFormat> ofImageIoName(String formatName) {
        String name = formatName.toLowerCase(Locale.ROOT);
        return Arrays.stream(values())
                .filter(format -> Arrays.asList(format.imageIoNames).contains(name))
                .findFirst();
    }
}
