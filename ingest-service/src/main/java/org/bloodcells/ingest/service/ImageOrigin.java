package org.bloodcells.ingest.service;

import org.bloodcells.events.OriginIds;

/**
 * Where an upload comes from: scanner, slide and batch, each a valid id ({@link OriginIds}), and who uploaded it (the
 * signed-in user or service account, for the audit trail).
 */
public record ImageOrigin(String scannerId, String slideId, String batchId, String uploadedBy) {

    /** An origin whose uploader is the bucket's path of the scanner ({@code bucket:<scanner>}). */
    public ImageOrigin(String scannerId, String slideId, String batchId) {
        this(scannerId, slideId, batchId, "bucket:" + scannerId);
    }

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
