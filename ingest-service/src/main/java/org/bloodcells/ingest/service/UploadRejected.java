package org.bloodcells.ingest.service;

import java.util.List;

/** Some files of an upload are not acceptable images; none of the upload was stored or published. */
public class UploadRejected extends RuntimeException {

    private final List<ImageRejected> rejections;
    private final int fileCount;

    public UploadRejected(List<ImageRejected> rejections, int fileCount) {
        super("%d of %d files rejected, nothing was stored: %s".formatted(rejections.size(), fileCount,
                rejections.get(0).getMessage()));
        this.rejections = List.copyOf(rejections);
        this.fileCount = fileCount;
    }

    public List<ImageRejected> rejections() {
        return rejections;
    }

    public int fileCount() {
        return fileCount;
    }
}
