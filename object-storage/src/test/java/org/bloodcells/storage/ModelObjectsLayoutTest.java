package org.bloodcells.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.bloodcells.events.ModelRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.minio.MinioClient;

/**
 * What a worker's cache does with a reference before and after it touches the store. The store here is a port where
 * nothing listens: every case below is decided without reading it, or fails to read it rather than run a file.
 */
class ModelObjectsLayoutTest {

    private static final String BYTES = "an onnx file";

    private final ModelObjects files = new ModelObjects(MinioClient.builder().endpoint("http://127.0.0.1:1")
            .credentials("nobody", "nothing-here").build(), "models");

    @TempDir
    Path cache;

    @Test
    void aNameThatWouldLeaveTheCacheIsRefusedBeforeAnyPathIsBuilt() throws IOException {
        ModelRef crafted = new ModelRef("../../escape", "1.0.0", "models", "../../escape/1.0.0/model.onnx",
                sha256(BYTES));
        var refused = assertThrows(ModelObjects.ModelRefRefusedException.class, () -> files.fetchCached(crafted, cache));
        assertTrue(refused.getMessage().contains("model name"), refused.getMessage());
        assertFalse(Files.exists(cache.resolve("../../escape").normalize()));
        assertEquals(0, filesUnder(cache).count());
    }

    @Test
    void aFileInAnotherBucketIsRefused() throws IOException {
        ModelRef elsewhere = new ModelRef("bloodcells", "2.0.0", "images", "bloodcells/2.0.0/model.onnx",
                sha256(BYTES));
        var refused = assertThrows(ModelObjects.ModelRefRefusedException.class, () -> files.fetchCached(elsewhere, cache));
        assertTrue(refused.getMessage().contains("'models'"), refused.getMessage());
    }

    @Test
    void anotherVersionsFileUnderThisVersionsNameIsRefused() throws IOException {
        ModelRef candidateUnderReleaseName = new ModelRef("bloodcells", "1.3.0", "models",
                "bloodcells/9.9.9-refused/model.onnx", sha256(BYTES));
        var refused = assertThrows(ModelObjects.ModelRefRefusedException.class,
                () -> files.fetchCached(candidateUnderReleaseName, cache));
        assertTrue(refused.getMessage().contains("bloodcells/1.3.0/model.onnx"), refused.getMessage());
        assertEquals(0, filesUnder(cache).count());
    }

    @Test
    void aCachedFileWithTheRegistrysBytesIsUsedWithoutReadingTheStore() throws IOException {
        ModelRef model = new ModelRef("bloodcells", "1.3.0", "models", "bloodcells/1.3.0/model.onnx", sha256(BYTES));
        Path cached = cached(model, BYTES);
        assertEquals(cached, files.fetchCached(model, cache));
    }

    @Test
    void aCachedFileChangedOnTheNodeIsFetchedAgainNotRun() throws IOException {
        ModelRef model = new ModelRef("bloodcells", "1.3.0", "models", "bloodcells/1.3.0/model.onnx", sha256(BYTES));
        cached(model, "another onnx file, put there by hand");
        // the store cannot be read here, so the fetch fails: what matters is that the changed file is not returned
        assertThrows(StorageUnavailableException.class, () -> files.fetchCached(model, cache));
    }

    private Path cached(ModelRef model, String content) throws IOException {
        Path file = cache.resolve(model.name()).resolve(model.version()).resolve(model.sha256() + ".onnx");
        Files.createDirectories(file.getParent());
        return Files.writeString(file, content, StandardCharsets.UTF_8);
    }

    private static Stream<Path> filesUnder(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            return all.filter(Files::isRegularFile).toList().stream();
        }
    }

    private static String sha256(String content) throws IOException {
        Path tmp = Files.createTempFile("model", ".bytes");
        try {
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            return ModelObjects.sha256(tmp);
        } finally {
            Files.delete(tmp);
        }
    }
}
