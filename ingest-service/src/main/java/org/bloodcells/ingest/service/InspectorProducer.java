package org.bloodcells.ingest.service;

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
}
