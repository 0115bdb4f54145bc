package org.bloodcells.ingest.service;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import org.bloodcells.ingest.config.IngestConfig;

class InspectorProducer {

    @Produces
    @ApplicationScoped
    ImageInspector imageInspector(IngestConfig config) {
        IngestConfig.Upload upload = config.upload();
        return new ImageInspector(upload.maxImageSize().asLongValue(), upload.maxWidth(), upload.maxHeight());
    }
}
