package org.bloodcells.images;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * The project's BCCD copy ({@code datasets/bccd}), where Maven says it is ({@code -Dbccd.dir}). It is part of the
 * repository, so a test that needs it fails, naming the place, rather than being skipped.
 */
public final class BccdImages {

    private BccdImages() {
    }

    public static Path directory() {
        Path dir = Path.of(System.getProperty("bccd.dir", "../datasets/bccd")).toAbsolutePath().normalize();
        if (!Files.isDirectory(dir.resolve("Annotations"))) {
            throw new IllegalStateException("No BCCD dataset at " + dir + ": datasets/bccd is part of the repository");
        }
        return dir;
    }

    /**
     * The image with a JPEG comment segment (COM) inserted after the start-of-image marker: the same picture,
     * different bytes, so a new image id that nothing else has uploaded.
     */
    public static byte[] uniqueVariant(String id) {
        return withComment(bytes(id), "test " + UUID.randomUUID());
    }

    /** The JPEG with a comment segment after its start marker: the same picture, new bytes (a new image id). */
    public static byte[] withComment(byte[] jpeg, String text) {
        byte[] comment = text.getBytes(StandardCharsets.US_ASCII);
        int length = comment.length + 2;
        ByteArrayOutputStream out = new ByteArrayOutputStream(jpeg.length + length + 2);
        out.write(jpeg, 0, 2);
        out.write(0xFF);
        out.write(0xFE);
        out.write(length >> 8);
        out.write(length & 0xFF);
        out.write(comment, 0, comment.length);
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    /** The bytes of {@code JPEGImages/<id>.jpg}. */
    public static byte[] bytes(String id) {
        try {
            return Files.readAllBytes(directory().resolve("JPEGImages").resolve(id + ".jpg"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
