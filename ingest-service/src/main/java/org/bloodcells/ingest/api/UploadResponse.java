package org.bloodcells.ingest.api;

import java.util.List;

import org.bloodcells.ingest.service.IngestedImage;

/** Answer to an upload: one entry per file, in the order the files were sent. */
public record UploadResponse(List<IngestedImage> images) {
}
