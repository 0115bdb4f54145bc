package org.bloodcells.ingest.service;

import java.util.regex.Pattern;

/**
 * Where an upload comes from: scanner, slide and batch. The ids end up in analysts' URLs
 * ({@code /slides/{slideId}/counts}), so they are restricted to URL-safe characters.
 */
public record ImageOrigin(String scannerId, String slideId, String batchId) {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

    /** @throws InvalidUpload when an id is missing or malformed */
    public ImageOrigin {
        require("scannerId", scannerId);
        require("slideId", slideId);
        require("batchId", batchId);
    }

    private static void require(String name, String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidUpload(name + " is required");
        }
        if (!ID.matcher(value).matches()) {
            throw new InvalidUpload(name + " must be 1 to 128 characters of letters, digits, '.', '_', ':' or '-'"
                    + " starting with a letter or digit");
        }
    }
}
