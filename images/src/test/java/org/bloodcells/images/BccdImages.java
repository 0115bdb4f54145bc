package org.bloodcells.images;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

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

    /** The bytes of {@code JPEGImages/<id>.jpg}. */
    public static byte[] bytes(String id) {
        try {
            return Files.readAllBytes(directory().resolve("JPEGImages").resolve(id + ".jpg"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
