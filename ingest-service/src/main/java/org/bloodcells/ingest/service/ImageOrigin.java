package org.bloodcells.ingest.service;

import org.bloodcells.events.OriginIds;

/** Where an upload comes from: scanner, slide and batch, each a valid id ({@link OriginIds}). */
public record ImageOrigin(String scannerId, String slideId, String batchId) {

    /** @throws InvalidUpload when an id is missing or malformed */
    public ImageOrigin {
        require("scannerId", scannerId);
        require("slideId", slideId);
        require("batchId", batchId);
    }

    private static void require(String name, String value) {
        OriginIds.problem(name, value).ifPresent(problem -> {
            throw new InvalidUpload(problem);
        });
    }
}
