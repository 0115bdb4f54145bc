package org.bloodcells.trainer.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import org.bloodcells.detection.CellDetector;
import org.bloodcells.detection.ModelInfo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The models in the released-models folder, read the way a worker reads them: a file that the
 * detection core refuses (wrong contract) is reported as an error, not listed.
 */
public final class ReleasedModels {

    private final Path dir;
    private final ObjectMapper json;

    public ReleasedModels(Path dir, ObjectMapper json) {
        this.dir = dir;
        this.json = json;
    }

    public List<ReleasedModel> list() {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".onnx")).sorted().map(this::describe).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    private ReleasedModel describe(Path file) {
        ModelInfo info;
        try (CellDetector detector = CellDetector.load(file, 1)) {
            info = detector.model();
        }
        String base = file.getFileName().toString().replaceFirst("\\.onnx$", "");
        Path metricsFile = file.resolveSibling(base + ".metrics.json");
        try {
            JsonNode metrics = Files.exists(metricsFile) ? json.readTree(metricsFile.toFile()) : null;
            return new ReleasedModel(file.getFileName().toString(), info.name(), info.version(), info.classes(),
                    info.inputSize(), Files.size(file), sha256(file), metrics);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
