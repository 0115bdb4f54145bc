package org.bloodcells.trainer.registry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.bloodcells.storage.ModelObjects;
import org.bloodcells.trainer.config.TrainerConfig;
import org.bloodcells.trainer.promotion.PromotionTopics;
import org.jboss.logging.Logger;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;

/**
 * At start: the model topics exist, and every released model ({@code bloodcells.models.dir}) is in the registry. The
 * first version of a model becomes its promoted version (published, so workers started later run it); a later
 * release arrives as a candidate, to go through the gate like any other.
 */
@ApplicationScoped
class ReleasedModelImport {

    private static final Logger LOG = Logger.getLogger(ReleasedModelImport.class);

    void importReleases(@Observes StartupEvent started, ModelRegistry registry, TrainerConfig config,
            @Identifier("default-kafka-broker") Map<String, Object> kafka) {
        PromotionTopics.ensure(kafka);
        for (Path file : releasedFiles(config.models().dir())) {
            String sha256;
            try {
                sha256 = ModelObjects.sha256(file);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
            // known by its bytes: no ONNX session to open (a later start, or the same file under another name)
            if (QuarkusTransaction.joiningExisting().call(() -> ModelVersion.count("sha256", sha256)) > 0) {
                continue;
            }
            String base = file.getFileName().toString().replaceFirst("\\.onnx$", "");
            Path card = file.resolveSibling("README.md");
            try {
                registry.register(new ModelRegistry.Registration(file, null, null, null, null, null,
                        "released models/" + file.getFileName(), "release import",
                        Files.exists(card) ? Files.readString(card) : null, file.resolveSibling(base + ".metrics.json")),
                        true);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + card, e);
            } catch (ModelRegistry.VersionConflictException e) {
                // a released file changed under a version the registry holds: the registry's file stands
                LOG.errorf("Not importing %s: %s", file, e.getMessage());
            }
        }
        LOG.infof("Model registry: %d versions", QuarkusTransaction.joiningExisting().call(() -> ModelVersion.count()));
    }

    private static List<Path> releasedFiles(Path dir) {
        if (!Files.isDirectory(dir)) {
            LOG.warnf("No released models folder at %s: nothing to import", dir);
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".onnx")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }
}
