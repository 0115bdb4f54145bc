package org.bloodcells.ingest.service;

import java.nio.file.Path;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import org.bloodcells.images.ImageLimits;
import org.bloodcells.ingest.config.IngestConfig;

import io.quarkus.runtime.configuration.MemorySize;

class InspectorProducer {

    /**
     * The platform's image limits, lowered where ingest is configured stricter. Configured looser, the service
     * does not start: it would acknowledge images that no detect worker decodes.
     */
    @Produces
    @ApplicationScoped
    ImageInspector imageInspector(IngestConfig config) {
        IngestConfig.Upload upload = config.upload();
        ImageLimits platform = ImageLimits.PLATFORM;
        try {
            return new ImageInspector(new ImageLimits(
                    upload.maxImageSize().map(MemorySize::asLongValue).orElse(platform.maxBytes()),
                    upload.maxWidth().orElse(platform.maxWidth()),
                    upload.maxHeight().orElse(platform.maxHeight())).requireWithin(platform));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("bloodcells.upload limits must stay within the platform's: "
                    + e.getMessage(), e);
        }
    }

    /** At start, the files a stopped process left in the staging directory are deleted. */
    void purgeStaging(@jakarta.enterprise.event.Observes io.quarkus.runtime.StartupEvent startup, Staging staging) {
        staging.purge(java.time.Duration.ofHours(1));
    }

    /** Uploads are staged under the configured directory, within the inspector's size limit. */
    @Produces
    @ApplicationScoped
    Staging staging(IngestConfig config, ImageInspector inspector) {
        Path directory = config.upload().stagingDirectory()
                .orElse(Path.of(System.getProperty("java.io.tmpdir"), "bloodcells-staging"));
        return new Staging(directory, inspector.limits().maxBytes());
    }
}
